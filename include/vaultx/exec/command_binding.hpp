// Which programs a scope may be handed to. A scope's `commands` (vaultx.toml)
// name the programs allowed to receive it; pins (`vaultx scope pin`) fix the
// content of a program or of the script an interpreter runs. Checked before
// any secret is decrypted.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vaultx/config/config.hpp>
#include <vaultx/format/pins.hpp>

namespace vaultx::exec {

// What would run: the program found on PATH and, if the first argument is an
// existing regular file (an interpreter's script), that file. Both canonical.
struct LaunchTarget {
  std::string program;
  std::optional<std::string> script;
};

LaunchTarget launch_target(const std::vector<std::string>& argv, std::optional<std::string_view> path_variable);

// Bare names in `commands` are resolved on the system search path
// (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin), not the
// caller's PATH. Errc::denied naming the scope, the program and what to do, if any scope's
// `commands` leaves the program out, or if a scope has pins and neither the
// program nor the script is pinned, or a pinned file's content changed.
Status check_command_binding(const config::Config& config, const std::vector<std::string>& scopes,
                             const std::vector<format::CommandPin>& pins, const LaunchTarget& target);

}  // namespace vaultx::exec
