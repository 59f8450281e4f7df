// vaultx rm NAME...: remove secrets.
#include "command.hpp"
#include "context.hpp"

#include <vaultx/format/names.hpp>

namespace vaultx::cli {
namespace {

class RmCommand final : public Command {
 public:
  std::string name() const override { return "rm"; }
  std::string summary() const override { return "Remove one or more secrets"; }

  void define(CLI::App& app) override {
    app.add_option("NAME", names_, "Secret names")->required();
    app.alias("remove");
  }

  Result<int> run(Context& ctx) override {
    for (const auto& n : names_) VAULTX_TRY(format::validate_secret_name(n));
    VAULTX_ASSIGN(auto vault, ctx.unlock(audit::AuditEvent{.op = "rm", .names = names_}));
    // One record per secret: a later name can fail after earlier ones went.
    for (const auto& n : names_) {
      VAULTX_TRY(ctx.recorded(audit::AuditEvent{.op = "rm", .names = {n}}, vault->remove(n)));
    }
    return 0;
  }

 private:
  std::vector<std::string> names_;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::RmCommand)
