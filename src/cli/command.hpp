// Every subcommand is a Command in its own file, registered with
// VAULTX_REGISTER_COMMAND. main() builds the CLI11 tree from the registry,
// runs the chosen command and maps its Error to an exit code in one place.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <vaultx/error.hpp>

namespace vaultx::cli {

class Context;

class Command {
 public:
  Command() = default;
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;
  virtual ~Command() = default;

  [[nodiscard]] virtual std::string name() const = 0;
  [[nodiscard]] virtual std::string summary() const = 0;
  // Help-screen group: "Secrets", "Store", ...
  [[nodiscard]] virtual std::string group() const { return "Secrets"; }
  // Declares options and positionals, bound to members of the command.
  virtual void define(CLI::App& app) = 0;
  // Returns the exit code on success; an Error is mapped by exit_code_for().
  virtual Result<int> run(Context& ctx) = 0;
  // Commands that run a child (exec) report their own failures as 125.
  [[nodiscard]] virtual int exit_code_for(const Error& error) const;
};

using CommandFactory = std::unique_ptr<Command> (*)();

// Adds a command to the registry; returns true so it can initialise a static.
bool register_command(CommandFactory factory);
std::vector<std::unique_ptr<Command>> make_all_commands();

// The exit code of DESIGN.md for an error code.
int exit_code_for_errc(Errc code);

}  // namespace vaultx::cli

// The registration flag is named with __COUNTER__ so that command files can
// share one translation unit (the unity build compiles them in batches).
#define VAULTX_REGISTER_COMMAND(Class) VAULTX_REGISTER_COMMAND_AS(Class, __COUNTER__)
#define VAULTX_REGISTER_COMMAND_AS(Class, n) \
  VAULTX_REGISTER_COMMAND_NAMED(Class, VAULTX_PASTE(vaultx_registered_command_, n))
#define VAULTX_PASTE(a, b) a##b
#define VAULTX_REGISTER_COMMAND_NAMED(Class, flag)                      \
  namespace {                                                            \
  [[maybe_unused]] const bool flag =                                     \
      ::vaultx::cli::register_command([]() -> std::unique_ptr<::vaultx::cli::Command> { \
        return std::make_unique<Class>();                                \
      });                                                                \
  }
