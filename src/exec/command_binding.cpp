#include <vaultx/exec/command_binding.hpp>

#include <algorithm>
#include <filesystem>

#include <vaultx/exec/command_path.hpp>
#include <vaultx/format/encoding.hpp>
#include <vaultx/store/pins.hpp>

namespace vaultx::exec {

namespace {
namespace fs = std::filesystem;

std::string canonical_or_empty(const std::string& path) {
  std::error_code ec;
  auto c = fs::canonical(path, ec);
  return ec ? std::string() : c.string();
}

// Bare names in `commands` are looked up on the system's search path, never on
// the caller's PATH: a directory put first on PATH must not turn "python3"
// into a program of its choosing.
constexpr std::string_view kSystemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool command_listed(const config::ScopeSpec& scope, const std::string& program) {
  return std::any_of(scope.commands.begin(), scope.commands.end(), [&](const std::string& entry) {
    const auto found = find_command(entry, kSystemPath);
    return found.found && canonical_or_empty(found.path) == program;
  });
}

std::string list_commands(const config::ScopeSpec& scope) {
  std::string out;
  for (const auto& c : scope.commands) out += (out.empty() ? "" : ", ") + c;
  return out;
}

// A pin on the program itself vouches for what runs. A pin on a script only
// vouches for the script: any program could be handed it as its first
// argument, so the program must also be pinned or listed in `commands`.
Status check_pins(const std::string& scope, const config::ScopeSpec& spec, const std::vector<format::CommandPin>& pins,
                  const LaunchTarget& target) {
  std::vector<const format::CommandPin*> matched;
  bool any_pin = false;
  bool program_pinned = false;
  for (const auto& p : pins) {
    if (p.scope != scope) continue;
    any_pin = true;
    const bool is_program = p.path == target.program;
    if (!is_program && (!target.script || p.path != *target.script)) continue;
    program_pinned = program_pinned || is_program;
    matched.push_back(&p);
  }
  if (!any_pin) return {};
  const std::string what =
      target.program + (target.script ? " (script " + *target.script + ")" : std::string());
  if (matched.empty()) {
    return Error(Errc::denied, "scope '" + scope + "' has pinned commands and " + what + " is not one of them",
                 "pin it with 'vaultx scope pin " + scope + " PATH', or list the pins with 'vaultx scope pins'");
  }
  if (!program_pinned && spec.commands.empty()) {
    return Error(Errc::denied,
                 "scope '" + scope + "' pins the script " + *target.script + " but not the program running it (" +
                     target.program + ")",
                 "list the interpreter in 'commands' of [scopes." + scope + "], or pin it too");
  }
  for (const auto* pin : matched) {
    auto digest = store::hash_file(pin->path);
    if (!digest || *digest != pin->digest) {
      return Error(Errc::denied,
                   "scope '" + scope + "' is pinned to the content of " + pin->path + ", which has changed (sha256 " +
                       format::hex_encode(pin->digest).substr(0, 16) + "... pinned, " +
                       (digest ? format::hex_encode(*digest).substr(0, 16) + "... now)" : "now unreadable)"),
                   "if the change is expected, review it and run 'vaultx scope pin " + scope + " " + pin->path + "'");
    }
  }
  return {};
}
}  // namespace

LaunchTarget launch_target(const std::vector<std::string>& argv, std::optional<std::string_view> path_variable) {
  LaunchTarget target;
  if (argv.empty()) return target;
  const auto found = find_command(argv.front(), path_variable);
  target.program = found.found ? canonical_or_empty(found.path) : std::string();
  if (argv.size() > 1 && !argv[1].starts_with('-')) {
    std::error_code ec;
    if (fs::is_regular_file(argv[1], ec)) {
      const auto script = canonical_or_empty(argv[1]);
      if (!script.empty()) target.script = script;
    }
  }
  return target;
}

Status check_command_binding(const config::Config& config, const std::vector<std::string>& scopes,
                             const std::vector<format::CommandPin>& pins, const LaunchTarget& target) {
  for (const auto& name : scopes) {
    const auto it = config.scopes.find(name);
    if (it == config.scopes.end()) continue;
    const auto& scope = it->second;
    if (!scope.commands.empty() && (target.program.empty() || !command_listed(scope, target.program))) {
      return Error(Errc::denied,
                   "scope '" + name + "' may only be given to " + list_commands(scope) + "; " +
                       (target.program.empty() ? std::string("the command was not found") : target.program) +
                       " is not one of them",
                   "run one of those, or add the program to 'commands' of [scopes." + name + "] in " + config.source);
    }
    VAULTX_TRY(check_pins(name, scope, pins, target));
  }
  return {};
}

}  // namespace vaultx::exec
