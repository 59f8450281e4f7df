// `vaultx env` output: the scope's secrets as text another program reads back
// to exactly the same values.
#pragma once

#include <string>
#include <vector>

#include <vaultx/error.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::exec {

enum class EnvFormat { shell, dotenv, json };

struct EnvEntry {
  std::string variable;
  std::string secret_name;
  const secure::SecretBytes* value = nullptr;
};

// shell:  export VAR='value'   (POSIX single quotes; ' becomes '\'' ) for
//         eval in sh, dash, bash and zsh.
// dotenv: VAR='value'  in the grammar of the reference parser (npm dotenv),
//         choosing single quotes, backticks or double quotes so that it reads
//         back exactly; a value no quoting can carry is an error.
// json:   {"VAR": "value", ...}; values must be UTF-8.
// Entries come out sorted by variable. A NUL byte is an error in every
// format but json (where it is \u0000). Errors name the secret.
Result<secure::SecretBytes> render_env(EnvFormat format, std::vector<EnvEntry> entries);

}  // namespace vaultx::exec
