#include "command.hpp"

#include <algorithm>

namespace vaultx::cli {

namespace {
std::vector<CommandFactory>& registry() {
  static std::vector<CommandFactory> factories;
  return factories;
}
}  // namespace

bool register_command(CommandFactory factory) {
  registry().push_back(factory);
  return true;
}

std::vector<std::unique_ptr<Command>> make_all_commands() {
  std::vector<std::unique_ptr<Command>> commands;
  for (auto factory : registry()) commands.push_back(factory());
  // Static registration order is unspecified; help lists commands by name.
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a->name() < b->name(); });
  return commands;
}

int exit_code_for_errc(Errc code) {
  switch (code) {
    case Errc::usage: return 2;
    case Errc::unlock: return 3;
    case Errc::integrity: return 4;
    case Errc::not_found: return 5;
    case Errc::failure:
    case Errc::exists:
    case Errc::denied: return 1;
  }
  return 1;
}

int Command::exit_code_for(const Error& error) const { return exit_code_for_errc(error.code); }

}  // namespace vaultx::cli
