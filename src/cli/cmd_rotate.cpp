// vaultx rotate NAME: give an existing secret a new value (new version,
// rotation time recorded). Unlike set, it refuses to create a secret.
#include "command.hpp"
#include "context.hpp"
#include "value_input.hpp"

#include <vaultx/format/names.hpp>

namespace vaultx::cli {
namespace {

class RotateCommand final : public Command {
 public:
  std::string name() const override { return "rotate"; }
  std::string summary() const override { return "Replace an existing secret's value (stdin, prompt or --generate)"; }

  void define(CLI::App& app) override {
    app.add_option("NAME", name_, "Secret name")->required();
    input_.define(app, true);
    expires_option_ = app.add_option("--expires", expires_, "Expiry of the new value: a date or date-time, or 'never'")
        ->type_name("DATE");
  }

  Result<int> run(Context& ctx) override {
    VAULTX_TRY(format::validate_secret_name(name_));
    store::PutOptions options;
    options.must_exist = true;
    options.must_change = true;
    // Given but empty (--expires "") is a bad date, not "no option".
    if (expires_option_->count() > 0) {
      VAULTX_ASSIGN(options.expires, parse_expiry(expires_));
    }
    const audit::AuditEvent event{.op = "rotate", .names = {name_}};
    VAULTX_ASSIGN(auto vault, ctx.unlock(event));
    VAULTX_TRY(ctx.recorded(event, rotate(*vault, options)));
    return 0;
  }

 private:
  Status rotate(store::SecretAccess& vault, const store::PutOptions& options) {
    if (!vault.contains(name_)) VAULTX_TRY(vault.get(name_));  // the not-found error, before reading a value
    VAULTX_ASSIGN(auto value, input_.read(name_));
    VAULTX_TRY(vault.put(name_, value, options));
    return {};
  }

  std::string name_;
  std::string expires_;
  CLI::Option* expires_option_ = nullptr;
  ValueInput input_;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::RotateCommand)
