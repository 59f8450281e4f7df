// vaultx audit: show the store's audit trail on this machine.
//   vaultx audit [--json] [--since T] [--name N] [--op OP]
//   vaultx audit verify [--head SEQ:HASH]   chain and MACs (unlocks); exit 4 on any problem
//   vaultx audit head                       the checkpoint to keep elsewhere
// Reading needs no key; verify needs it, so that a rewritten trail cannot pass.
#include "audit_view.hpp"
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <algorithm>

#include <vaultx/format/timestamp.hpp>

namespace vaultx::cli {
namespace {

class AuditCommand final : public Command {
 public:
  std::string name() const override { return "audit"; }
  std::string summary() const override {
    return "Show the audit trail; 'audit verify' checks it, 'audit head' prints a checkpoint";
  }
  std::string group() const override { return "Store"; }

  void define(CLI::App& app) override {
    app.add_flag("--json", json_, "One JSON object per line (time, op, outcome, names, scope, ...)");
    app.add_option("--since", since_, "Only records at or after a date or date-time (RFC 3339)")->type_name("TIME");
    app.add_option("--name", name_filter_, "Only records naming this secret")->type_name("NAME");
    app.add_option("--op", op_filter_, "Only records of this operation (get, set, exec, ...)")->type_name("OP");
    verify_ = app.add_subcommand("verify", "Check the chain and every MAC (unlocks the store); exit 4 on any problem");
    verify_->add_option("--head", head_option_, "A checkpoint printed earlier by 'vaultx audit head'")
        ->type_name("SEQ:HASH");
    head_ = app.add_subcommand("head", "Print SEQ:HASH of the last record, to keep where the trail's writers cannot");
    verify_->group("Subcommands");
    head_->group("Subcommands");
    app.require_subcommand(0, 1);
  }

  Result<int> run(Context& ctx) override {
    const bool listing_options = json_ || !since_.empty() || !name_filter_.empty() || !op_filter_.empty();
    if ((verify_->parsed() || head_->parsed()) && listing_options) {
      return Error(Errc::usage, "--json, --since, --name and --op apply to 'vaultx audit' itself",
                   "run 'vaultx audit --json' to list, 'vaultx audit verify' to check");
    }
    VAULTX_ASSIGN(auto store, ctx.open_store());
    const auto trail = audit::AuditTrail::for_store(ctx.state_dir(), store.header().store_id);
    if (verify_->parsed()) return verify(ctx, trail);
    if (head_->parsed()) {
      VAULTX_ASSIGN(auto head, trail.head());
      VAULTX_TRY(write_stdout(format::format_audit_head(head) + "\n"));
      return 0;
    }
    return list(trail);
  }

 private:
  Result<int> list(const audit::AuditTrail& trail) const {
    std::optional<format::UnixSeconds> since;
    if (!since_.empty()) {
      since = format::parse_user_time(since_);
      if (!since) {
        return Error(Errc::usage, "--since '" + since_ + "' is not a date or date-time",
                     "write it like 2027-01-31 or 2027-01-31T12:00:00Z");
      }
    }
    auto shown = [&](const format::AuditRecord& r) {
      return (!since || r.time >= *since) && (op_filter_.empty() || r.op == op_filter_) &&
             (name_filter_.empty() || std::find(r.names.begin(), r.names.end(), name_filter_) != r.names.end());
    };
    if (!json_) {  // the table sizes its columns to every row shown
      AuditTable table;
      VAULTX_TRY(trail.for_each([&](const format::AuditRecord& r) {
        if (shown(r)) table.add(r);
        return true;
      }));
      VAULTX_TRY(write_stdout(table.render()));
      return 0;
    }
    // JSON streams: constant memory however long the trail.
    std::string out;
    Status written;
    VAULTX_TRY(trail.for_each([&](const format::AuditRecord& r) {
      if (shown(r)) append_audit_json(out, r);
      if (out.size() < (1 << 16)) return true;
      written = write_stdout(out);
      out.clear();
      return written.ok();
    }));
    VAULTX_TRY(written);
    VAULTX_TRY(write_stdout(out));
    return 0;
  }

  Result<int> verify(Context& ctx, const audit::AuditTrail& trail) const {
    std::optional<format::AuditHead> expected;
    if (!head_option_.empty()) {
      expected = format::parse_audit_head(head_option_);
      if (!expected) {
        return Error(Errc::usage, "--head '" + head_option_ + "' is not SEQ:HASH",
                     "pass the line 'vaultx audit head' printed: a number, ':' and 64 hex digits");
      }
    }
    // Without the key a forger's re-chained trail would pass: no key, no verdict.
    // The agent is skipped: it never hands out a key, the audit key included.
    auto vault = ctx.unlock_vault(audit::AuditEvent{.op = "audit-verify"});
    if (!vault) {
      Error e = std::move(vault).error();
      if (e.code != Errc::unlock) return e;
      e.message = "cannot verify the audit trail's MACs without the store's key: " + e.message;
      return e;
    }
    const auto key = vault->audit_key();
    if (!key) {
      return Error(Errc::unlock, "this way of unlocking does not give the audit key, so MACs cannot be checked",
                   "run 'vaultx audit verify' with the passphrase or a full identity");
    }
    // A rekeyed store: the keys of its earlier master keys, through the rekey records.
    VAULTX_ASSIGN(auto keys, vault->audit_key_history());
    VAULTX_ASSIGN(const auto report, trail.verify(keys, expected));
    if (report.problem) {
      const auto& p = *report.problem;
      std::string where = p.line == 0 ? "the checkpoint" : "line " + std::to_string(p.line);
      if (p.seq) where += " (seq " + std::to_string(*p.seq) + ")";
      return Error(Errc::integrity,
                   "audit trail " + trail.path().string() + ": " + where + ": " +
                       std::string(audit::problem_name(p.kind)) + ": " + p.detail,
                   "the records from there on cannot be trusted; keep the file as evidence");
    }
    if (report.unauthenticated_tail > 0) {
      print_warning(std::to_string(report.unauthenticated_tail) +
                    " record(s) after the last MAC'd one carry no MAC (written without the master key: failed "
                    "unlocks, and commands run through the agent or a scoped identity): their chain holds, but "
                    "anyone who can write the file could have rewritten them");
    }
    std::string summary = "audit trail intact: " + std::to_string(report.records) + " record(s), " +
                          std::to_string(report.macs_checked) + " MAC(s) verified; head " +
                          format::format_audit_head(report.head);
    if (expected) summary += "; checkpoint " + std::to_string(expected->seq) + " matches";
    VAULTX_TRY(write_stdout(summary + "\n"));
    return 0;
  }

  bool json_ = false;
  std::string since_;
  std::string name_filter_;
  std::string op_filter_;
  std::string head_option_;
  CLI::App* verify_ = nullptr;
  CLI::App* head_ = nullptr;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::AuditCommand)
