// vaultx rekey: a new master key and new scope keys, every data key
// rewrapped, removed recipients dropped. What a removed recipient could read
// before stays readable to it from old copies: the command lists those
// secrets so that they can be rotated.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <vaultx/store/trust.hpp>

namespace vaultx::cli {
namespace {

class RekeyCommand final : public Command {
 public:
  std::string name() const override { return "rekey"; }
  std::string summary() const override {
    return "New master and scope keys; drop removed recipients and list what they could read";
  }
  std::string group() const override { return "Team"; }

  void define(CLI::App& app) override {
    app.add_flag("--rotate-data-keys", rotate_data_keys_, "Also re-encrypt every value under a fresh data key");
  }

  Result<int> run(Context& ctx) override {
    const audit::AuditEvent event{.op = "rekey"};
    VAULTX_ASSIGN(auto vault, ctx.unlock_vault(event));
    VAULTX_ASSIGN(auto recipients, ctx.record_if_failed(event, vault.store().read_recipients()));
    std::optional<secure::SecretBytes> passphrase;
    for (const auto& f : recipients) {
      if (f.type != format::RecipientType::passphrase) continue;
      VAULTX_ASSIGN(passphrase, ctx.record_if_failed(event, ctx.store_passphrase(vault.store())));
    }
    // The last record under the old key: its audit key ends with it.
    ctx.record(audit::AuditEvent{.op = "rekey-begin"});
    store::RekeyOptions options{.passphrase = passphrase ? &*passphrase : nullptr,
                                .rotate_data_keys = rotate_data_keys_};
    VAULTX_ASSIGN(auto report, vault.rekey(options));
    VAULTX_TRY(store::TrustStore(ctx.state_dir()).pin_master(vault));
    ctx.set_audit_key(vault.audit_key());
    ctx.record(event);
    std::string out = "rekeyed: new master key (rekey record " + std::to_string(report.record_number) + "), " +
                      std::to_string(report.secrets) + " secret(s) rewrapped" +
                      (rotate_data_keys_ ? " and re-encrypted under fresh data keys" : "") + ", " +
                      std::to_string(report.recipients) + " recipient(s) kept\n";
    for (const auto& r : report.removed) {
      out += "removed recipient '" + r.name + "' (" + std::string(format::recipient_type_name(r.type)) +
             ") could read " + std::to_string(r.readable.size()) + " secret(s):\n";
      for (const auto& n : r.readable) out += "  " + n + "\n";
    }
    VAULTX_TRY(write_stdout(out));
    bool any = false;
    for (const auto& r : report.removed) any = any || !r.readable.empty();
    if (any) {
      print_warning("a removed recipient may have kept copies of the values listed above: rotate each of them "
                    "('vaultx rotate NAME') and revoke the old credentials where they were issued");
    }
    return 0;
  }

 private:
  bool rotate_data_keys_ = false;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::RekeyCommand)
