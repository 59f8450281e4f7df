// vaultx recipients: who can open the store.
//   vaultx recipients ls                                  name, type, public key, scopes
//   vaultx recipients add PUBKEY --name NAME [--scope S]  a full recipient, or (--scope) a scoped one
//   vaultx recipients rm NAME                             stop wrapping for NAME (then run 'vaultx rekey')
// A full recipient's file wraps the master key; a scoped recipient's file
// wraps only the keys of its scopes, so it can read nothing else.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <vaultx/config/acceptance.hpp>
#include <vaultx/format/identity.hpp>

namespace vaultx::cli {
namespace {

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

class RecipientsCommand final : public Command {
 public:
  std::string name() const override { return "recipients"; }
  std::string summary() const override { return "List, add and remove the identities that can open the store"; }
  std::string group() const override { return "Team"; }

  void define(CLI::App& app) override {
    ls_ = app.add_subcommand("ls", "List the recipients: name, type, public key and scopes");
    add_ = app.add_subcommand("add", "Add a recipient: full (opens everything) or, with --scope, scoped");
    add_->add_option("PUBKEY", public_key_, "Public key printed by 'vaultx identity new' (vxpk1:...)")->required();
    add_->add_option("--name", name_, "Recipient name: 1 to 64 of a-z 0-9 . _ -")->required();
    add_->add_option("--scope", scopes_, "A scope of vaultx.toml it may read (repeatable); none: full recipient")
        ->type_name("SCOPE");
    rm_ = app.add_subcommand("rm", "Remove a recipient (run 'vaultx rekey' afterwards to revoke it)");
    rm_->add_option("NAME", name_, "Recipient name")->required();
    for (auto* sub : {ls_, add_, rm_}) sub->group("Subcommands");
    app.require_subcommand(1, 1);
  }

  Result<int> run(Context& ctx) override {
    if (ls_->parsed()) return list(ctx);
    if (add_->parsed()) return add(ctx);
    return remove(ctx);
  }

 private:
  static Result<int> list(Context& ctx) {
    VAULTX_ASSIGN(auto store, ctx.open_store());
    VAULTX_ASSIGN(auto recipients, store.read_recipients());
    std::string out;
    for (const auto& f : recipients) {
      out += f.recipient + "\t" + std::string(format::recipient_type_name(f.type));
      if (f.type != format::RecipientType::passphrase) out += "\t" + format::public_key_text(f.public_key);
      if (!f.scopes.empty()) out += "\tscopes=" + join(f.scopes, ",");
      out += "\n";
    }
    VAULTX_ASSIGN(auto removed, store.read_removed_recipients());
    for (const auto& f : removed) out += f.recipient + "\tremoved (pending 'vaultx rekey')\n";
    VAULTX_TRY(write_stdout(out));
    return 0;
  }

  Result<int> add(Context& ctx) {
    const auto key = format::parse_public_key_text(public_key_);
    if (!key) {
      return Error(Errc::usage, "the public key is not of the form vxpk1:<43 base64url characters>",
                   "copy the last line printed by 'vaultx identity new' (or 'vaultx identity pub')");
    }
    audit::AuditEvent event{.op = "recipients-add", .scopes = scopes_};
    VAULTX_ASSIGN(auto store, ctx.record_if_failed(event, ctx.open_store()));
    VAULTX_ASSIGN(const bool team, ctx.record_if_failed(event, store.is_team()));
    VAULTX_ASSIGN(auto vault, ctx.unlock_vault(event));
    if (!team) {
      // The store becomes a team store: from now on vaultx.toml must be
      // accepted on each machine. Here it was in use as it is, so it is.
      VAULTX_ASSIGN(auto text, config::read_config_text(store.paths().config()));
      VAULTX_TRY(config::parse_config(text, store.paths().config().string()));
      VAULTX_TRY(config::AcceptedConfig(ctx.state_dir(), store.header().store_id).accept(text));
    }
    VAULTX_TRY(ctx.recorded(event, vault.add_recipient(name_, *key, scopes_)));
    std::string out = "added " + std::string(scopes_.empty() ? "full" : "scoped") + " recipient '" + name_ + "'";
    if (!scopes_.empty()) {
      VAULTX_ASSIGN(auto report, ctx.recorded(event, vault.sync_scope_wraps()));
      out += " (scopes " + join(scopes_, ", ") + "; " + std::to_string(report.rewrapped) +
             " secret(s) wrapped for its scopes)";
    }
    VAULTX_TRY(write_stdout(out + "\n"));
    return 0;
  }

  Result<int> remove(Context& ctx) {
    audit::AuditEvent event{.op = "recipients-rm"};
    VAULTX_ASSIGN(auto vault, ctx.unlock_vault(event));
    VAULTX_TRY(ctx.recorded(event, vault.remove_recipient(name_)));
    VAULTX_TRY(write_stdout("removed recipient '" + name_ + "'\n"));
    print_warning("removal alone revokes nothing '" + name_ +
                  "' could already read: run 'vaultx rekey' now, and rotate the secrets it lists");
    return 0;
  }

  CLI::App* ls_ = nullptr;
  CLI::App* add_ = nullptr;
  CLI::App* rm_ = nullptr;
  std::string public_key_;
  std::string name_;
  std::vector<std::string> scopes_;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::RecipientsCommand)
