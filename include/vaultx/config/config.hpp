// vaultx.toml: scopes (which secrets a process may see, under which variable
// names) and rotation policy. docs/config.md describes the file.
//
// The file may come from a shared git store, so it is untrusted input: it is
// checked to be plain ASCII before toml++ sees it (toml++ 3.3.0 reaches
// undefined behaviour on some short non-ASCII inputs, e.g. e2 b7 b7 04), and
// every key, type, name, pattern and variable is validated with its position.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <vaultx/config/glob.hpp>
#include <vaultx/config/resolve.hpp>
#include <vaultx/config/routes.hpp>
#include <vaultx/config/variables.hpp>
#include <vaultx/error.hpp>

namespace vaultx::config {

// A larger vaultx.toml is refused rather than parsed.
constexpr std::size_t kMaxConfigBytes = 1024 * 1024;
// A line with more '.' is refused before toml++ sees it: it bounds how deep
// tables can nest, which toml++ does not (see check_nesting).
constexpr std::size_t kMaxDotsPerLine = 256;

struct ScopeSpec {
  std::string name;
  std::vector<std::string> secrets;                       // names and globs
  std::vector<std::pair<std::string, std::string>> env;   // VAR -> secret name (explicit mapping), in file order
  std::vector<std::string> allow_env;                     // dangerous variable names this scope may set anyway
  std::vector<std::string> commands;                      // programs allowed to receive this scope (empty: any)
  int line = 0;                                           // where [scopes.NAME] starts
  // Lines of each entry of `secrets` and `env` (same order), for messages.
  // May be empty (a ScopeSpec built in code): `line` is used instead.
  std::vector<int> secret_lines;
  std::vector<int> env_lines;
};

struct PolicyRule {
  std::string match;  // a pattern (see glob.hpp)
  std::int64_t max_age_seconds;
  int line;
};

struct Policy {
  std::optional<std::int64_t> max_age_seconds;
  std::vector<PolicyRule> rules;  // in file order
};

struct Config {
  std::string source;  // file name for messages
  std::map<std::string, ScopeSpec> scopes;
  Policy policy;
  std::vector<BrokerRoute> routes;  // [broker.routes.NAME], in file order (see routes.hpp)
  bool file_exists = true;  // false: load_config found no file (and so no scopes)
};

// Scope names: 1 to 255 of [A-Za-z0-9._-].
bool is_valid_scope_name(std::string_view name);

// Errc::usage "FILE:LINE:COLUMN: ..." at the first byte that is not printable
// ASCII, tab, CR or LF (so also NUL and other control bytes).
Status check_ascii(std::string_view text, std::string_view source_name);

// Errc::usage "FILE:LINE:COLUMN: ..." at the first line holding more than
// kMaxDotsPerLine '.' (toml++ overflows the stack on dotted keys or table
// headers nested some 50000 levels deep).
Status check_nesting(std::string_view text, std::string_view source_name);

// Pure: parse text (file name used in messages). Non-ASCII bytes are refused
// with file:line:column before toml++ sees anything, and so are lines with
// more than kMaxDotsPerLine dots. Unknown keys and tables
// are errors. All errors are Errc::usage with message "FILE:LINE: what" (and
// column where known) and a hint saying what to do.
Result<Config> parse_config(std::string_view text, std::string_view source_name);

// Reads STORE/vaultx.toml: a missing file is an empty Config (no scopes,
// file_exists false); a file over kMaxConfigBytes is Errc::usage; a symlink or
// non-regular file is Errc::integrity (a store never holds one).
Result<Config> load_config(const std::filesystem::path& path);

}  // namespace vaultx::config
