// `vaultx export`: the variable name each secret gets.
#pragma once

#include <string>
#include <string_view>

namespace vaultx::shell {

// The name under PREFIX (the last segment for the secret named PREFIX
// itself), kept as it is when it is already an environment variable name
// ([A-Za-z_][A-Za-z0-9_]*), so that `import` then `export` gives back the
// same keys; otherwise upper-cased with '/', '-' and '.' turned into '_', as
// `vaultx env` names variables (db/url -> DB_URL, api-key -> API_KEY).
std::string export_variable(std::string_view name, std::string_view prefix);

bool is_environment_name(std::string_view text);

}  // namespace vaultx::shell
