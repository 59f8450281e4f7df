#include "scope_sync.hpp"

#include <vaultx/config/acceptance.hpp>

#include "context.hpp"
#include "output.hpp"
#include "terminal.hpp"

namespace vaultx::cli {

namespace {

Result<bool> confirm(const SyncOptions& options) {
  if (options.yes || options.confirmed) return true;
  VAULTX_ASSIGN(auto answer, prompt_line("Accept this vaultx.toml on this machine? [y/N] "));
  if (!answer) {
    return Error(Errc::usage, "vaultx.toml needs to be accepted, and there is no terminal to ask on",
                 "review the changes above, then run 'vaultx scope sync --yes'");
  }
  return *answer == "y" || *answer == "Y" || *answer == "yes";
}

}  // namespace

Result<int> sync_scopes(Context& ctx, const SyncOptions& options) {
  audit::AuditEvent event{.op = "scope-sync"};
  VAULTX_ASSIGN(auto store, ctx.record_if_failed(event, ctx.open_store()));
  const fs::path path = store.paths().config();
  VAULTX_ASSIGN(auto current_text, config::read_config_text(path));
  // An invalid file can be neither accepted nor used.
  VAULTX_ASSIGN(auto after, ctx.record_if_failed(event, config::parse_config(current_text, path.string())));
  const config::AcceptedConfig accepted(ctx.state_dir(), store.header().store_id);
  VAULTX_ASSIGN(auto accepted_text, accepted.load());
  config::Config before;
  if (accepted_text) {
    auto parsed = config::parse_config(*accepted_text, accepted.path().string());
    if (parsed) before = std::move(*parsed);
  }
  VAULTX_ASSIGN(auto access, ctx.unlock(event));
  VAULTX_ASSIGN(auto listing, ctx.record_if_failed(event, access->list("")));
  std::vector<std::string> names;
  for (auto& e : listing.entries) names.push_back(std::move(e.name));

  const bool pending = config::is_pending(current_text, accepted_text);
  VAULTX_TRY(write_stdout(config::render_changes(config::diff_configs(before, after, names),
                                                 config::policy_changed(before, after))));
  if (pending) {
    VAULTX_ASSIGN(const bool yes, confirm(options));
    if (!yes) {
      VAULTX_TRY(write_stdout("not accepted: vaultx.toml stays pending on this machine\n"));
      return 1;
    }
  }
  if (auto* vault = dynamic_cast<store::Vault*>(access.get())) {
    vault->set_scope_membership([&after](std::string_view name) -> Result<std::vector<std::string>> {
      return config::scopes_of(after, name);
    });
    VAULTX_ASSIGN(const bool maintained, vault->maintains_scope_wraps());
    if (maintained) {
      VAULTX_ASSIGN(auto report, ctx.recorded(event, vault->sync_scope_wraps()));
      VAULTX_TRY(write_stdout("scope wraps: " + std::to_string(report.rewrapped) + " of " +
                              std::to_string(report.secrets) + " secret(s) rewrapped\n"));
    }
  } else {
    print_warning("a scoped identity accepts vaultx.toml for this machine but cannot rewrap secrets; a member "
                  "with the master key runs 'vaultx scope sync' to give the scopes their secrets");
  }
  if (pending) {
    VAULTX_TRY(ctx.recorded(event, accepted.accept(current_text)));
    VAULTX_TRY(write_stdout("accepted " + path.string() + " on this machine\n"));
  } else {
    VAULTX_TRY(write_stdout(path.string() + " was already accepted on this machine\n"));
  }
  return 0;
}

}  // namespace vaultx::cli
