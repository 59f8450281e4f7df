// Environment variable names that vaultx.toml may give to a child process.
#pragma once

#include <string_view>

namespace vaultx::config {

// [A-Za-z_][A-Za-z0-9_]*: what every shell can export and unset.
bool is_valid_variable_name(std::string_view name);

// VAULTX_*: vaultx's own variables never reach a child, even with allow_env.
bool is_reserved_variable(std::string_view name);

// Variables that change how the child (or a program it starts) runs, loads
// code or resolves names, so that whoever controls a secret's value (or
// vaultx.toml) could take over the child: the loader (LD_*, GCONV_PATH, ...),
// shells (PATH, IFS, BASH_ENV, PS4, ...), interpreters (PYTHON*, NODE_OPTIONS,
// PERL5OPT, ...), programs that run other programs (EDITOR, PAGER, GIT_SSH,
// GIT_CONFIG*, ...) and where configuration is read from (HOME, XDG_CONFIG_*).
// A scope may set them only if it lists them in allow_env. Also true for
// every reserved (VAULTX_*) name. docs/config.md has the full list.
bool is_dangerous_variable(std::string_view name);

}  // namespace vaultx::config
