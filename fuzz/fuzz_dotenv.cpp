// libFuzzer target: arbitrary bytes as a .env file for `vaultx import`.
// Beyond "no crash, no undefined behaviour": an accepted file gives keys of
// the dotenv grammar on non-decreasing lines, an error is a usage error that
// names the source, and every accepted value that `vaultx export` can write
// (exec::render_env, dotenv format) reads back to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <vaultx/exec/env_render.hpp>
#include <vaultx/format/dotenv.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto entries = vaultx::format::parse_dotenv(text, "fuzz.env");
  if (!entries.ok()) {
    if (entries.error().code != vaultx::Errc::usage) std::abort();
    if (!entries.error().message.starts_with("fuzz.env:")) std::abort();
    return 0;
  }
  std::size_t line = 1;
  for (const auto& e : *entries) {
    if (!vaultx::format::is_dotenv_key(e.key) || e.key == "__proto__") std::abort();
    if (e.line < line) std::abort();
    line = e.line;
    auto rendered = vaultx::exec::render_env(vaultx::exec::EnvFormat::dotenv, {{"K", e.key, &e.value}});
    if (!rendered.ok()) continue;  // no dotenv quoting carries this value
    const auto again = vaultx::format::parse_dotenv(rendered->view(), "rendered.env");
    if (!again.ok() || again->size() != 1) std::abort();
    if ((*again)[0].key != "K" || !(*again)[0].value.equals(e.value)) std::abort();
  }
  return 0;
}
