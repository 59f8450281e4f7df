// libFuzzer target: arbitrary bytes as vaultx.toml. A shared git store makes
// the file untrusted, and toml++ 3.3.0 has undefined behaviour on some
// non-ASCII input (e2 b7 b7 04), so this proves that nothing reaches it: the
// ASCII guard, the parser, the validation, globbing and scope resolution must
// all return a value or an error, under ASan and UBSan.
//
// Build (from the repository root):
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -DNDEBUG -Iinclude \
//     fuzz/fuzz_config.cpp src/config/*.cpp src/store/*.cpp src/format/*.cpp src/crypto/*.cpp \
//     src/secure/*.cpp $(pkg-config --cflags --libs libsodium libargon2 tomlplusplus) -o fuzz_config
//   ./fuzz_config -max_total_time=60 fuzz/corpus/config
// That links Debian's libtomlplusplus.so, which is not instrumented: UBSan
// cannot see undefined behaviour inside toml++ itself. To compile toml++
// into the target (instrumented; slower, more coverage), drop tomlplusplus
// from pkg-config and add -DTOML_HEADER_ONLY=1 -DTOML_SHARED_LIB=0. With the
// ASCII guard removed, that build reports toml++'s "execution reached an
// unreachable program point" on the seed e2 b7 b7 04 at once.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <vaultx/config/config.hpp>

namespace {

// Names that hit the interesting cases: nesting for globs, a dangerous and a
// reserved default variable, an invalid one, and a collision (a-b vs a.b).
const std::vector<std::string>& stored_names() {
  static const std::vector<std::string> names = {
      "openai/api-key", "aws/s3-reader/key-id", "aws/s3-reader/secret", "a", "a/b", "a/b/c", "a-b", "a.b",
      "path",           "ld/preload",           "vaultx/passphrase",    "1password/key", "x",
  };
  return names;
}

// Inspects a result so that the compiler cannot drop the work, and checks
// the promises callers rely on.
void check(const vaultx::Result<std::vector<vaultx::config::Injection>>& r) {
  if (!r.ok()) {
    if (r.error().message.empty()) __builtin_trap();
    return;
  }
  for (const auto& injection : *r) {
    if (!vaultx::config::is_valid_variable_name(injection.variable)) __builtin_trap();
    if (vaultx::config::is_reserved_variable(injection.variable)) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto config = vaultx::config::parse_config(text, "fuzz.toml");
  if (!config.ok()) {
    if (config.error().code != vaultx::Errc::usage) __builtin_trap();
    return 0;
  }
  std::vector<std::string> all;
  for (const auto& [name, scope] : config->scopes) {
    check(vaultx::config::resolve_scopes(*config, {name}, stored_names()));
    all.push_back(name);
  }
  check(vaultx::config::resolve_scopes(*config, all, stored_names()));
  check(vaultx::config::resolve_scopes(*config, {"no-such-scope"}, stored_names()));
  for (const auto& rule : config->policy.rules) {
    for (const auto& name : stored_names()) (void)vaultx::config::glob_match(rule.match, name);
  }
  return 0;
}
