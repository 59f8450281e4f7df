// vaultx passwd: change the passphrase. Only the master key is rewrapped;
// every secret file stays byte for byte the same.
#include "command.hpp"
#include "context.hpp"

namespace vaultx::cli {
namespace {

class PasswdCommand final : public Command {
 public:
  std::string name() const override { return "passwd"; }
  std::string summary() const override {
    return "Change the passphrase (new one from VAULTX_NEW_PASSPHRASE_FILE, VAULTX_NEW_PASSPHRASE or a prompt)";
  }
  std::string group() const override { return "Store"; }

  void define(CLI::App& app) override { kdf_.define(app); }

  Result<int> run(Context& ctx) override {
    VAULTX_ASSIGN(auto store, ctx.open_store());
    VAULTX_ASSIGN(auto current, store.passphrase_kdf());
    VAULTX_ASSIGN(auto params, kdf_.apply(current));
    const audit::AuditEvent event{.op = "passwd"};
    VAULTX_ASSIGN(auto vault, ctx.unlock_vault(event));
    VAULTX_TRY(ctx.recorded(event, change(vault, params)));
    return 0;
  }

 private:
  static Status change(store::Vault& vault, const crypto::KdfParams& params) {
    VAULTX_ASSIGN(auto passphrase, Context::new_passphrase(env::kNewPassphraseFile, env::kNewPassphrase,
                                                           "New passphrase: "));
    return vault.change_passphrase(passphrase, params);
  }

  KdfOptions kdf_;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::PasswdCommand)
