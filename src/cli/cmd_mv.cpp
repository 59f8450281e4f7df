// vaultx mv OLD NEW: rename a secret, keeping its value and history.
#include "command.hpp"
#include "context.hpp"

#include <vaultx/format/names.hpp>

namespace vaultx::cli {
namespace {

class MvCommand final : public Command {
 public:
  std::string name() const override { return "mv"; }
  std::string summary() const override { return "Rename a secret"; }

  void define(CLI::App& app) override {
    app.add_option("OLD", from_, "Current name")->required();
    app.add_option("NEW", to_, "New name")->required();
    app.add_flag("-f,--force", force_, "Replace NEW if it exists");
    app.alias("rename");
  }

  Result<int> run(Context& ctx) override {
    VAULTX_TRY(format::validate_secret_name(from_));
    VAULTX_TRY(format::validate_secret_name(to_));
    const audit::AuditEvent event{.op = "mv", .names = {from_, to_}};
    VAULTX_ASSIGN(auto vault, ctx.unlock(event));
    VAULTX_TRY(ctx.recorded(event, vault->rename(from_, to_, force_)));
    return 0;
  }

 private:
  std::string from_;
  std::string to_;
  bool force_ = false;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::MvCommand)
