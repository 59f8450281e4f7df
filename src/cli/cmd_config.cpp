// vaultx config edit: $EDITOR (then $VISUAL, then vi) on vaultx.toml, then
// the membership review of `vaultx scope sync`, accepted in the same step:
// the person who just edited the file has reviewed it.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"
#include "scope_sync.hpp"

#include <cstdlib>

#include <vaultx/config/acceptance.hpp>
#include <vaultx/git/process.hpp>

namespace vaultx::cli {
namespace {

std::string editor_command() {
  for (const char* var : {"EDITOR", "VISUAL"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0') return v;
  }
  return "vi";
}

class ConfigCommand final : public Command {
 public:
  std::string name() const override { return "config"; }
  std::string summary() const override { return "Edit vaultx.toml and accept it on this machine in one step"; }
  std::string group() const override { return "Scopes"; }

  void define(CLI::App& app) override {
    edit_ = app.add_subcommand("edit", "Run $EDITOR on vaultx.toml, check it, show the scope changes and accept it here");
    edit_->group("Subcommands");
    app.require_subcommand(1, 1);
  }

  Result<int> run(Context& ctx) override {
    VAULTX_ASSIGN(auto store, ctx.open_store());
    const fs::path path = store.paths().config();
    // EDITOR may hold arguments ("code -w"): the shell splits it, as git does;
    // the file name is passed as a separate argument, never interpolated.
    VAULTX_ASSIGN(const int status, git::run_inherited({"/bin/sh", "-c", editor_command() + " \"$@\"", "vaultx-editor",
                                                        path.string()},
                                                       git::ChildEnv::without_vaultx));
    if (status != 0) {
      return Error(Errc::failure, "the editor exited with status " + std::to_string(status) +
                                      "; vaultx.toml was not accepted",
                   "run 'vaultx scope sync' to review and accept it");
    }
    VAULTX_ASSIGN(auto text, config::read_config_text(path));
    auto parsed = config::parse_config(text, path.string());
    if (!parsed) {
      Error e = std::move(parsed).error();
      e.hint = "fix it with 'vaultx config edit' again; it is not used until it is valid and accepted";
      return e;
    }
    return sync_scopes(ctx, SyncOptions{.yes = false, .confirmed = true});
  }

 private:
  CLI::App* edit_ = nullptr;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::ConfigCommand)
