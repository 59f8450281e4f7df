// vaultx set NAME: store a value read from stdin (or a prompt, or --generate).
#include "command.hpp"
#include "context.hpp"
#include "value_input.hpp"

#include <vaultx/format/names.hpp>

namespace vaultx::cli {
namespace {

class SetCommand final : public Command {
 public:
  std::string name() const override { return "set"; }
  std::string summary() const override { return "Store a secret; the value comes from stdin, never argv"; }

  void define(CLI::App& app) override {
    app.add_option("NAME", name_, "Secret name, e.g. openai/api-key")->required();
    input_.define(app, true);
    expires_option_ = app.add_option("--expires", expires_, "Expiry: a date or date-time (RFC 3339), or 'never'")
        ->type_name("DATE");
  }

  Result<int> run(Context& ctx) override {
    VAULTX_TRY(format::validate_secret_name(name_));
    store::PutOptions options;
    // Given but empty (--expires "") is a bad date, not "no option".
    if (expires_option_->count() > 0) {
      VAULTX_ASSIGN(options.expires, parse_expiry(expires_));
    }
    VAULTX_ASSIGN(auto value, input_.read(name_));
    const audit::AuditEvent event{.op = "set", .names = {name_}};
    VAULTX_ASSIGN(auto vault, ctx.unlock(event));
    VAULTX_TRY(ctx.recorded(event, vault->put(name_, value, options)));
    return 0;
  }

 private:
  std::string name_;
  std::string expires_;
  CLI::Option* expires_option_ = nullptr;
  ValueInput input_;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::SetCommand)
