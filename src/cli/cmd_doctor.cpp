// vaultx doctor [DIR] [--json]: the deployment checklist of a project that
// uses secrets. Each check passes, fails or is skipped, with a one-line fix;
// exit 1 if any fails, so that CI can run it as a gate.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <cstdlib>

#include <vaultx/config/policy.hpp>
#include <vaultx/format/json.hpp>
#include <vaultx/format/units.hpp>
#include <vaultx/shell/doctor.hpp>
#include <vaultx/shell/scan.hpp>

namespace vaultx::cli {
namespace {

using shell::DoctorCheck;
using shell::Verdict;

// Beyond these an unattended agent keeps keys longer than a working session.
constexpr std::uint64_t kMaxAgentIdleSeconds = 60 * 60;
constexpr std::uint64_t kMaxAgentLifetimeSeconds = 24 * 60 * 60;

DoctorCheck failed(std::string id, std::string summary, std::vector<std::string> findings, std::string fix) {
  return {std::move(id), Verdict::fail, std::move(summary), std::move(findings), std::move(fix)};
}

DoctorCheck passed(std::string id, std::string summary) { return {std::move(id), Verdict::pass, std::move(summary), {}, {}}; }

DoctorCheck skipped(std::string id, std::string summary) {
  return {std::move(id), Verdict::skip, std::move(summary), {}, {}};
}

bool is_under(const fs::path& path, const fs::path& root) {
  const fs::path relative = path.lexically_relative(root);
  return !relative.empty() && *relative.begin() != "..";
}

DoctorCheck check_stored_values(shell::Scanner& scanner, const shell::ProjectFiles& files, const fs::path& dir,
                                const fs::path& store_dir) {
  std::error_code ec;
  const fs::path store = fs::weakly_canonical(store_dir, ec);
  std::vector<shell::ScanHit> hits;
  for (const auto& file : files.all) {
    if (is_under(file, store)) continue;  // the store's own files hold only ciphertext
    if (fs::is_symlink(fs::symlink_status(file, ec)) || fs::file_size(file, ec) > shell::kMaxScanFileSize) continue;
    if (auto status = scanner.scan_file(file, hits); !status) print_warning(status.error().message);
  }
  if (hits.empty()) return passed("stored-values", "no stored value appears in the project's files");
  std::vector<std::string> findings;
  for (const auto& hit : hits) {
    findings.push_back(shell::shown_path(fs::path(hit.path), dir) + ":" + std::to_string(hit.line) + ": " + hit.name +
                       (hit.form == "plain" ? "" : " (" + hit.form + ")"));
  }
  return failed("stored-values", std::to_string(hits.size()) + " stored value(s) found in the project's files",
                std::move(findings),
                "read the value at run time (vaultx exec --scope S -- CMD) instead; rotate it (vaultx rotate NAME), "
                "since git history keeps the old one");
}

DoctorCheck check_stale(const std::vector<store::Entry>& entries, const config::Config& config) {
  const auto now = format::now_utc();
  std::vector<std::string> findings;
  for (const auto& entry : entries) {
    if (auto s = config::staleness(entry.meta, config::max_age_for(config.policy, entry.name), now)) {
      findings.push_back(config::describe_staleness(entry.name, entry.meta, *s));
    }
  }
  if (findings.empty()) {
    return passed("stale", std::to_string(entries.size()) + " secret(s), none past its expiry or maximum age");
  }
  return failed("stale", std::to_string(findings.size()) + " secret(s) past their expiry or maximum age",
                std::move(findings), "issue a new credential, then vaultx rotate NAME (vaultx stale lists them)");
}

DoctorCheck check_permissions(const fs::path& store_dir, const fs::path& state_dir) {
  std::vector<std::string> findings = shell::permission_problems(store_dir);
  for (auto& problem : shell::permission_problems(state_dir)) findings.push_back(std::move(problem));
  if (findings.empty()) return passed("permissions", "the store and the state directory are private to their owner");
  return failed("permissions", std::to_string(findings.size()) + " file(s) open to other users or owned by another",
                std::move(findings), "chmod -R go-rwx " + store_dir.string() + " " + state_dir.string());
}

// VAULTX_PASSPHRASE is read before anything unlocks (which removes it).
DoctorCheck check_unlock_sources(bool passphrase_in_environment) {
  if (!passphrase_in_environment) {
    return passed("unlock-sources", "no passphrase in the environment");
  }
  return failed("unlock-sources", "VAULTX_PASSPHRASE is set",
                {"every process started from this shell inherits it, and /proc/PID/environ shows it"},
                "use an identity file (VAULTX_IDENTITY_FILE), the agent (vaultx agent start) or VAULTX_PASSPHRASE_FILE");
}

DoctorCheck check_agent(Context& ctx) {
  if (std::getenv("VAULTX_AGENT_SOCK") == nullptr) return skipped("agent", "no agent configured (VAULTX_AGENT_SOCK)");
  auto connection = ctx.connect_agent();
  if (!connection) return passed("agent", "no agent listens on VAULTX_AGENT_SOCK");
  auto status = connection->status();
  if (!status) {
    return failed("agent", "the agent did not answer", {status.error().message}, "vaultx agent stop; vaultx agent start");
  }
  if (!status->unlocked) return passed("agent", "the agent is locked");
  std::vector<std::string> findings;
  if (!status->idle_left || *status->idle_left > kMaxAgentIdleSeconds) {
    findings.push_back("the idle timeout is longer than 1h");
  }
  if (!status->lifetime_left || *status->lifetime_left > kMaxAgentLifetimeSeconds) {
    findings.push_back("the keys stay unlocked for more than 24h");
  }
  for (const auto& grant : status->grants) {
    if (!grant.ttl_left) findings.push_back("grant " + grant.id + " never expires");
  }
  if (findings.empty()) return passed("agent", "the agent locks itself within 1h idle and 24h in all");
  return failed("agent", "the agent keeps keys or grants too long", std::move(findings),
                "vaultx lock; vaultx agent start --timeout 15m --max-lifetime 8h; grant with --ttl");
}

std::string render_text(const fs::path& dir, const std::vector<DoctorCheck>& checks) {
  std::string out = "vaultx doctor: " + dir.string() + "\n";
  std::size_t counts[3] = {0, 0, 0};
  for (const auto& check : checks) {
    ++counts[static_cast<int>(check.verdict)];
    std::string id = check.id;
    id.resize(17, ' ');
    out += std::string(check.verdict == Verdict::fail ? "  FAIL  " : check.verdict == Verdict::pass ? "  pass  " : "  skip  ") +
           id + check.summary + "\n";
    for (const auto& finding : check.findings) out += "                         " + finding + "\n";
    if (!check.fix.empty()) out += "                         fix: " + check.fix + "\n";
  }
  out += std::to_string(counts[0]) + " passed, " + std::to_string(counts[1]) + " failed, " + std::to_string(counts[2]) +
         " skipped\n";
  return out;
}

std::string render_json(const fs::path& dir, const std::vector<DoctorCheck>& checks, bool ok) {
  std::string out = "{\"dir\":";
  format::append_json_string(out, dir.string());
  out += ",\"ok\":" + std::string(ok ? "true" : "false") + ",\"checks\":[";
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const auto& check = checks[i];
    out += i == 0 ? "{\"id\":" : ",{\"id\":";
    format::append_json_string(out, check.id);
    out += ",\"status\":";
    format::append_json_string(out, shell::verdict_name(check.verdict));
    out += ",\"summary\":";
    format::append_json_string(out, check.summary);
    out += ",\"findings\":[";
    for (std::size_t j = 0; j < check.findings.size(); ++j) {
      if (j > 0) out += ",";
      format::append_json_string(out, check.findings[j]);
    }
    out += "],\"fix\":";
    format::append_json_string(out, check.fix);
    out += "}";
  }
  out += "]}\n";
  return out;
}

class DoctorCommand final : public Command {
 public:
  std::string name() const override { return "doctor"; }
  std::string summary() const override { return "Check a project's secret hygiene; exit 1 if anything fails"; }
  std::string group() const override { return "Store"; }

  void define(CLI::App& app) override {
    app.add_option("DIR", dir_, "The project directory (default: the current directory)");
    app.add_flag("--json", json_, "One JSON object: dir, ok, checks [{id, status, summary, findings, fix}]");
  }

  Result<int> run(Context& ctx) override {
    const bool passphrase_in_environment = std::getenv("VAULTX_PASSPHRASE") != nullptr;
    std::error_code ec;
    const fs::path dir = fs::weakly_canonical(fs::path(dir_), ec);
    if (ec || !fs::is_directory(dir)) {
      return Error(Errc::not_found, "no such directory: " + dir_, "give the project's directory");
    }
    const shell::ProjectFiles files = shell::list_project_files(dir);
    std::vector<DoctorCheck> checks;
    checks.push_back(shell::check_env_files(files, dir));
    VAULTX_TRY(add_store_checks(ctx, files, dir, checks));
    checks.push_back(shell::check_dependency_pins(files, dir));
    checks.push_back(check_permissions(ctx.store_dir(), ctx.state_dir()));
    checks.push_back(check_unlock_sources(passphrase_in_environment));
    checks.push_back(check_agent(ctx));

    bool ok = true;
    for (const auto& check : checks) ok = ok && check.verdict != Verdict::fail;
    VAULTX_TRY(write_stdout(json_ ? render_json(dir, checks, ok) : render_text(dir, checks)));
    return ok ? 0 : 1;
  }

 private:
  // stored-values and stale need the store's values: one unlock for both.
  // No store: both are skipped. A store that cannot be unlocked fails them,
  // since a gate must not pass over what it could not check.
  static Status add_store_checks(Context& ctx, const shell::ProjectFiles& files, const fs::path& dir,
                                 std::vector<DoctorCheck>& checks) {
    std::error_code ec;
    if (!fs::exists(ctx.store_dir() / "vaultx-store", ec)) {
      const std::string why = "no store at " + ctx.store_dir().string();
      checks.push_back(skipped("stored-values", why));
      checks.push_back(skipped("stale", why));
      return {};
    }
    const audit::AuditEvent event{.op = "doctor"};
    auto vault = ctx.unlock(event);
    if (!vault) {
      const std::string fix = "run where the store can be unlocked without a prompt (VAULTX_IDENTITY_FILE, the agent)";
      checks.push_back(failed("stored-values", "could not unlock the store", {vault.error().message}, fix));
      checks.push_back(failed("stale", "could not unlock the store", {vault.error().message}, fix));
      return {};
    }
    VAULTX_ASSIGN(auto listing, ctx.record_if_failed(event, (*vault)->list("")));
    VAULTX_ASSIGN(auto scanner, ctx.record_if_failed(event, shell::scanner_for(**vault, listing.entries)));
    checks.push_back(check_stored_values(*scanner, files, dir, ctx.store_dir()));
    VAULTX_ASSIGN(auto store, ctx.open_store());
    // The policy, as `vaultx stale` reads it.
    VAULTX_ASSIGN(auto config, config::load_config(store.paths().config()));
    DoctorCheck stale = check_stale(listing.entries, config);
    for (const auto& problem : listing.problems) {
      stale.findings.push_back(problem.message);
      stale.verdict = Verdict::fail;
    }
    checks.push_back(std::move(stale));
    ctx.record(event);
    return {};
  }

  std::string dir_ = ".";
  bool json_ = false;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::DoctorCommand)
