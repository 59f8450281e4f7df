// vaultx exec --scope S -- CMD ARGS: run CMD with exactly the scope's secrets
// in its environment. Exit status as env(1): the child's, 128+N for signal N,
// 125 if vaultx failed before the child ran, 126 not executable, 127 not found.
#include "broker_session.hpp"
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"
#include "scope_options.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>

#include <vaultx/agent/client.hpp>
#include <vaultx/config/policy.hpp>
#include <vaultx/exec/child_env.hpp>
#include <vaultx/exec/command_binding.hpp>
#include <vaultx/exec/command_path.hpp>
#include <vaultx/exec/masking.hpp>
#include <vaultx/exec/scope_secrets.hpp>
#include <vaultx/exec/supervisor.hpp>
#include <vaultx/store/pins.hpp>

extern char** environ;  // NOLINT: POSIX

namespace vaultx::cli {
namespace {

constexpr int kExecFailure = 125;

std::optional<std::string_view> parent_path() {
  const char* p = std::getenv("PATH");
  return p != nullptr ? std::optional<std::string_view>(p) : std::nullopt;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// --on-rotate: "restart" (0) or "signal:NAME" (its number); nullopt if neither.
std::optional<int> parse_on_rotate(const std::string& text) {
  if (text == "restart") return 0;
  if (!text.starts_with("signal:")) return std::nullopt;
  std::string name = text.substr(7);
  if (name.starts_with("SIG")) name = name.substr(3);
  static constexpr std::array<std::pair<std::string_view, int>, 6> kSignals{{
      {"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"TERM", SIGTERM}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2}}};
  for (const auto& [n, sig] : kSignals) {
    if (name == n) return sig;
  }
  return std::nullopt;
}

// What the store's files look like now: vaultx.toml and every secret file,
// by inode, size and modification time. Writes are atomic renames, and a
// `git pull` replaces files too, so any change of a value changes this.
std::string store_fingerprint(const store::StorePaths& paths) {
  std::string out;
  auto add = [&out](const std::filesystem::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return;
    out += p.filename().string() + ':' + std::to_string(st.st_ino) + ':' + std::to_string(st.st_size) + ':' +
           std::to_string(st.st_mtim.tv_sec) + '.' + std::to_string(st.st_mtim.tv_nsec) + ';';
  };
  add(paths.config());
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(paths.secrets_dir(), ec)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  for (const auto& n : names) add(paths.secrets_dir() / n);
  return out;
}

// The secret names whose variable or value differ between two loads of a scope.
std::vector<std::string> changed_secrets(const std::vector<exec::ScopeSecret>& before,
                                         const std::vector<exec::ScopeSecret>& after) {
  std::vector<std::string> changed;
  for (const auto& a : after) {
    const auto it = std::find_if(before.begin(), before.end(),
                                 [&](const exec::ScopeSecret& b) { return b.secret_name == a.secret_name; });
    if (it == before.end() || it->variable != a.variable || !it->value.equals(a.value)) {
      changed.push_back(a.secret_name);
    }
  }
  for (const auto& b : before) {
    const auto it = std::find_if(after.begin(), after.end(),
                                 [&](const exec::ScopeSecret& a) { return a.secret_name == b.secret_name; });
    if (it == after.end()) changed.push_back(b.secret_name);
  }
  return changed;
}

// With --broker, a route's variable may meet another route's (of another
// --scope) or a secret's: never a silent overwrite.
Status check_distinct(const std::vector<exec::InjectedVariable>& injected) {
  for (std::size_t i = 0; i < injected.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (injected[i].variable != injected[j].variable) continue;
      return Error(Errc::usage,
                   "--broker: " + injected[i].variable + " would be set both for " + injected[j].secret_name +
                       " and for " + injected[i].secret_name,
                   "give the route's base_url_env or placeholder_env another name, or map the secret to another "
                   "variable in the scope's env");
    }
  }
  return {};
}

class ExecCommand final : public Command {
 public:
  std::string name() const override { return "exec"; }
  std::string summary() const override { return "Run a command with a scope's secrets in its environment"; }
  std::string group() const override { return "Scopes"; }

  void define(CLI::App& app) override {
    scopes_.define(app);
    app.add_flag("--clean-env", clean_env_, "Pass only PATH, HOME, USER, LANG, TERM and the secrets");
    app.add_option("--mask", mask_, "Redact secret values in the child's output: auto (when not a terminal), "
                                    "always, never (exec directly)")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->default_str("auto");
    app.add_flag("--strict", strict_, "Refuse to run (125) if an injected secret is expired or past its max age");
    app.add_flag("--watch", watch_, "Restart (or signal) the command when a secret of its scope changes");
    app.add_option("--on-rotate", on_rotate_, "With --watch: restart (default) or signal:NAME, e.g. signal:HUP")
        ->type_name("ACTION");
    app.add_flag("--broker", use_broker_, "Give the command the broker's URL and a placeholder instead of the secrets "
                                      "of its scope's [broker.routes]; the broker injects them (docs/broker.md)");
    app.add_option("COMMAND", command_, "The command and its arguments, after --");
    // Everything after the first positional belongs to the command, options included.
    app.positionals_at_end();
  }

  int exit_code_for(const Error&) const override { return kExecFailure; }

  Result<int> run(Context& ctx) override {
    // Words before `--` (exec -s S cmd -- x) keep the `--` as the child's own argument, as env(1) does.
    if (ctx.has_separator) {
      if (!command_.empty()) command_.emplace_back("--");
      command_.insert(command_.end(), ctx.command_after_separator.begin(), ctx.command_after_separator.end());
    }
    if (command_.empty()) {
      return Error(Errc::usage, "no command to run", "write it after --: vaultx exec --scope S -- CMD ARGS");
    }
    const auto on_rotate = parse_on_rotate(on_rotate_);
    if (!on_rotate) {
      return Error(Errc::usage, "--on-rotate '" + on_rotate_ + "' is not an action",
                   "use restart, or signal:NAME with NAME one of HUP, INT, QUIT, TERM, USR1, USR2");
    }
    if (on_rotate_ != "restart" && !watch_) return Error(Errc::usage, "--on-rotate needs --watch");
    if (use_broker_ && watch_) {
      return Error(Errc::usage, "--broker and --watch cannot be combined",
                   "drop --watch: a brokered command gets no secret values to refresh");
    }
    on_rotate_signal_ = *on_rotate;
    event_ = audit::AuditEvent{.op = "exec", .scopes = scopes_.names, .command = command_.front()};
    VAULTX_ASSIGN(auto store, ctx.record_if_failed(event_, ctx.open_store()));
    VAULTX_ASSIGN(auto config, ctx.record_if_failed(event_, scopes_.load(ctx, store)));
    // Which program may receive the scope is decided before anything is decrypted.
    store::PinStore pin_store(ctx.state_dir(), store.header().store_id);
    VAULTX_ASSIGN(auto pins, ctx.record_if_failed(event_, pin_store.load()));
    VAULTX_TRY(ctx.record_if_failed(event_, exec::check_command_binding(config, scopes_.names, pins,
                                                                exec::launch_target(command_, parent_path()))));
    VAULTX_ASSIGN(auto vault, ctx.unlock(event_));
    VAULTX_TRY(ctx.record_if_failed(event_, scopes_.check_access(*vault)));
    VAULTX_ASSIGN(auto secrets, ctx.record_if_failed(event_, agent::load_scope_secrets(*vault, config, scopes_.names)));
    for (const auto& s : secrets) event_.names.push_back(s.secret_name);
    VAULTX_TRY(ctx.record_if_failed(event_, check_staleness(config, secrets)));

    std::vector<exec::InjectedVariable> injected;
    std::vector<std::string> brokered;  // secrets only the broker holds: never in the child's environment
    if (use_broker_) {
      VAULTX_ASSIGN(auto routes, ctx.record_if_failed(event_, broker_routes(config, scopes_.names, secrets)));
      VAULTX_TRY(ctx.record_if_failed(event_, start_broker(ctx, *vault, std::move(routes), brokered)));
      for (const auto& v : broker_->variables()) injected.push_back({v.name, "the broker's routes", &v.value});
    }
    for (const auto& s : secrets) {
      if (std::find(brokered.begin(), brokered.end(), s.secret_name) == brokered.end()) {
        injected.push_back({s.variable, s.secret_name, &s.value});
      }
    }
    if (use_broker_) VAULTX_TRY(ctx.record_if_failed(event_, check_distinct(injected)));
    VAULTX_ASSIGN(auto child_env, ctx.record_if_failed(event_, exec::ChildEnvironment::build(environ, clean_env_, injected)));
    if (child_env.get("PATH") != parent_path()) {  // a scope that sets PATH (allow_env) changes what runs
      VAULTX_TRY(ctx.record_if_failed(event_, exec::check_command_binding(config, scopes_.names, pins,
                                                                  exec::launch_target(command_, child_env.get("PATH")))));
    }
    if (watch_) return launch_watching(ctx, *vault, config, std::move(secrets));
    return launch(ctx, secrets, child_env);
  }

 private:
  // Starts the broker for `routes` and fills `brokered` with the secrets
  // the routes inject, which the child does not get.
  Status start_broker(Context& ctx, const store::SecretAccess& vault, std::vector<broker::RouteSetup> routes,
                      std::vector<std::string>& brokered) {
    VAULTX_ASSIGN(broker_, BrokerSession::start(ctx, vault, std::move(routes)));
    brokered = broker_->brokered();
    return {};
  }

  // The broker ends with the child: its last records are written before exec's own.
  void stop_broker() {
    if (broker_) broker_->stop();
  }

  Result<int> launch(Context& ctx, const std::vector<exec::ScopeSecret>& secrets,
                     const exec::ChildEnvironment& child_env) {
    const auto lookup = exec::find_command(command_.front(), child_env.get("PATH"));
    if (!lookup.found) {
      const int status = exec::exit_status_for(lookup.failure);
      print_error(Error(Errc::failure, "cannot run '" + command_.front() + "': " +
                                           (status == 127 ? "command not found" : "permission denied")));
      stop_broker();
      finish_record(ctx, status, status == 127 ? "command not found" : "not executable");
      return status;
    }
    exec::LaunchSpec spec;
    spec.path = lookup.path;
    spec.argv = command_;
    spec.envp = child_env.envp();
    spec.mask = mask_mode();
    // With the broker, vaultx stays the parent even with --mask never (the broker lives in it).
    if (spec.mask == exec::MaskMode::never && !broker_) {
      ctx.record(event_);  // vaultx is replaced by the child: no exit status to record
      int status = kExecFailure;
      print_error(exec::replace_process(spec, status));
      return status;
    }
    const auto masking = exec::MaskingPlan::for_secrets(secrets);
    if (!masking.too_short().empty() && masks_some_stream(spec.mask)) {
      print_warning("values shorter than 4 bytes are not masked: " + join(masking.too_short()));
    }
    if (spec.mask != exec::MaskMode::never) spec.make_filter = masking.factory();
    std::string exec_error;
    auto ran = exec::run_supervised(spec, exec_error);
    stop_broker();
    VAULTX_ASSIGN(auto outcome, ctx.record_if_failed(event_, std::move(ran)));
    if (!exec_error.empty()) print_error(Error(Errc::failure, exec_error));
    finish_record(ctx, outcome.exit_code, exec_error.empty() ? "" : "cannot run the command");
    return outcome.exit_code;
  }

  // exec --watch: vaultx stays the parent, looks at the store about twice a
  // second, and when a secret of the scope changed, restarts the child with
  // the new environment or sends it the --on-rotate signal.
  Result<int> launch_watching(Context& ctx, const store::SecretAccess& vault, const config::Config& config,
                              std::vector<exec::ScopeSecret> current) {
    const store::StorePaths paths = vault.store().paths();
    std::string fingerprint = store_fingerprint(paths);
    std::vector<exec::ScopeSecret> pending;
    auto watch = [&]() -> exec::WatchVerdict {
      auto now = store_fingerprint(paths);
      if (now == fingerprint) return {};
      fingerprint = std::move(now);
      auto fresh = agent::load_scope_secrets(vault, config, scopes_.names);
      if (!fresh) {
        print_warning("--watch: cannot read the secrets of the scope now (" + fresh.error().message +
                      "); the command keeps its environment");
        return {};
      }
      const auto changed = changed_secrets(current, *fresh);
      if (changed.empty()) return {};
      const std::string action =
          on_rotate_signal_ == 0 ? "restart" : "signal " + on_rotate_.substr(on_rotate_.find(':') + 1);
      ctx.record(audit::AuditEvent{.op = "exec-watch", .reason = action, .scopes = scopes_.names, .names = changed,
                                   .command = command_.front()});
      if (on_rotate_signal_ == 0) {
        pending = std::move(*fresh);
        return {true, 0};
      }
      current = std::move(*fresh);  // a signalled child reads its secrets again by itself
      return {false, on_rotate_signal_};
    };
    while (true) {
      std::vector<exec::InjectedVariable> injected;
      for (const auto& s : current) injected.push_back({s.variable, s.secret_name, &s.value});
      VAULTX_ASSIGN(auto child_env,
                    ctx.record_if_failed(event_, exec::ChildEnvironment::build(environ, clean_env_, injected)));
      const auto lookup = exec::find_command(command_.front(), child_env.get("PATH"));
      if (!lookup.found) {
        const int status = exec::exit_status_for(lookup.failure);
        print_error(Error(Errc::failure, "cannot run '" + command_.front() + "': " +
                                             (status == 127 ? "command not found" : "permission denied")));
        finish_record(ctx, status, status == 127 ? "command not found" : "not executable");
        return status;
      }
      exec::LaunchSpec spec;
      spec.path = lookup.path;
      spec.argv = command_;
      spec.envp = child_env.envp();
      spec.mask = mask_mode();
      if (spec.mask != exec::MaskMode::never) spec.make_filter = exec::MaskingPlan::for_secrets(current).factory();
      spec.watch = watch;
      std::string exec_error;
      VAULTX_ASSIGN(auto outcome, ctx.record_if_failed(event_, exec::run_supervised(spec, exec_error)));
      if (!exec_error.empty()) print_error(Error(Errc::failure, exec_error));
      if (!outcome.restart_requested || !exec_error.empty()) {
        finish_record(ctx, outcome.exit_code, exec_error.empty() ? "" : "cannot run the command");
        return outcome.exit_code;
      }
      current = std::move(pending);
      pending.clear();
    }
  }

  void finish_record(Context& ctx, int status, const std::string& failure) {
    event_.status = status;
    if (!failure.empty()) {
      event_.outcome = format::AuditOutcome::failed;
      event_.reason = failure;
    }
    ctx.record(event_);
  }

  // A warning for each stale secret, once; with --strict, a refusal.
  Status check_staleness(const config::Config& config, const std::vector<exec::ScopeSecret>& secrets) const {
    const auto now = format::now_utc();
    std::vector<std::string> stale;
    for (const auto& s : secrets) {
      const auto st = config::staleness(s.meta, config::max_age_for(config.policy, s.secret_name), now);
      if (!st) continue;
      stale.push_back(s.secret_name);
      print_warning(config::describe_staleness(s.secret_name, s.meta, *st) + " (rotate it: vaultx rotate " +
                    s.secret_name + ")");
    }
    if (strict_ && !stale.empty()) {
      return Error(Errc::denied, "--strict: refusing to run with stale secrets: " + join(stale),
                   "rotate them with 'vaultx rotate NAME', or drop --strict");
    }
    return {};
  }

  [[nodiscard]] bool masks_some_stream(exec::MaskMode mode) const {
    return exec::plumbing_for(mode, ::isatty(STDOUT_FILENO) != 0, true) != exec::Plumbing::inherit ||
           exec::plumbing_for(mode, ::isatty(STDERR_FILENO) != 0, true) != exec::Plumbing::inherit;
  }

  [[nodiscard]] exec::MaskMode mask_mode() const {
    if (mask_ == "always") return exec::MaskMode::always;
    if (mask_ == "never") return exec::MaskMode::never;
    return exec::MaskMode::automatic;
  }

  ScopeOptions scopes_;
  bool clean_env_ = false;
  bool strict_ = false;
  std::string mask_ = "auto";
  bool watch_ = false;
  std::string on_rotate_ = "restart";
  int on_rotate_signal_ = 0;
  std::vector<std::string> command_;
  audit::AuditEvent event_;
  bool use_broker_ = false;
  std::unique_ptr<BrokerSession> broker_;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::ExecCommand)
