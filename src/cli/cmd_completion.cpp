// vaultx completion bash|zsh|fish: prints the completion script for a shell,
// byte for byte the file of completions/ that `cmake --install` installs
// (embedded at build time by cmake/embed_files.cmake).
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <string_view>

namespace vaultx::cli {

namespace embedded {
extern const std::string_view kBashCompletion;
extern const std::string_view kZshCompletion;
extern const std::string_view kFishCompletion;
}  // namespace embedded

namespace {

class CompletionCommand final : public Command {
 public:
  std::string name() const override { return "completion"; }
  std::string summary() const override { return "Print the completion script for bash, zsh or fish"; }
  std::string group() const override { return "Store"; }

  void define(CLI::App& app) override {
    app.add_option("SHELL", shell_, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  }

  // Needs no store and no key.
  Result<int> run(Context&) override {
    if (shell_ == "bash") VAULTX_TRY(write_stdout(embedded::kBashCompletion));
    if (shell_ == "zsh") VAULTX_TRY(write_stdout(embedded::kZshCompletion));
    if (shell_ == "fish") VAULTX_TRY(write_stdout(embedded::kFishCompletion));
    return 0;
  }

 private:
  std::string shell_;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::CompletionCommand)
