// vaultx help [COMMAND]: the same text as --help.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

namespace vaultx::cli {
namespace {

class HelpCommand final : public Command {
 public:
  std::string name() const override { return "help"; }
  std::string summary() const override { return "Show help for vaultx or for one command"; }
  std::string group() const override { return "Store"; }

  void define(CLI::App& app) override { app.add_option("COMMAND", topic_, "Command to describe"); }

  Result<int> run(Context& ctx) override {
    CLI::App& root = ctx.root_app();
    if (topic_.empty()) {
      // Not root.help(): CLI11 hands that to the parsed subcommand, which is
      // this one, and would print the help of 'help'.
      VAULTX_TRY(write_stdout(root.get_formatter()->make_help(&root, root.get_name(), CLI::AppFormatMode::Normal)));
      return 0;
    }
    for (CLI::App* sub : root.get_subcommands({})) {
      if (sub->check_name(topic_)) {
        VAULTX_TRY(write_stdout(sub->help(root.get_name())));
        return 0;
      }
    }
    return Error(Errc::usage, "no command named '" + topic_ + "'", "run 'vaultx help' for the list of commands");
  }

 private:
  std::string topic_;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::HelpCommand)
