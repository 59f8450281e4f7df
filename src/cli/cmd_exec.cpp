// vaultx exec --scope S -- CMD ARGS: run CMD with exactly the scope's secrets
// in its environment. Exit status as env(1): the child's, 128+N for signal N,
// 125 if vaultx failed before the child ran, 126 not executable, 127 not found.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"
#include "scope_options.hpp"

#include <unistd.h>

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
    VAULTX_ASSIGN(auto secrets, ctx.record_if_failed(event_, exec::load_scope_secrets(*vault, config, scopes_.names)));
    for (const auto& s : secrets) event_.names.push_back(s.secret_name);
    VAULTX_TRY(ctx.record_if_failed(event_, check_staleness(config, secrets)));

    std::vector<exec::InjectedVariable> injected;
    for (const auto& s : secrets) injected.push_back({s.variable, s.secret_name, &s.value});
    VAULTX_ASSIGN(auto child_env, ctx.record_if_failed(event_, exec::ChildEnvironment::build(environ, clean_env_, injected)));
    if (child_env.get("PATH") != parent_path()) {  // a scope that sets PATH (allow_env) changes what runs
      VAULTX_TRY(ctx.record_if_failed(event_, exec::check_command_binding(config, scopes_.names, pins,
                                                                  exec::launch_target(command_, child_env.get("PATH")))));
    }
    return launch(ctx, secrets, child_env);
  }

 private:
  Result<int> launch(Context& ctx, const std::vector<exec::ScopeSecret>& secrets,
                     const exec::ChildEnvironment& child_env) {
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
    if (spec.mask == exec::MaskMode::never) {
      ctx.record(event_);  // vaultx is replaced by the child: no exit status to record
      int status = kExecFailure;
      print_error(exec::replace_process(spec, status));
      return status;
    }
    const auto masking = exec::MaskingPlan::for_secrets(secrets);
    if (!masking.too_short().empty() && masks_some_stream(spec.mask)) {
      print_warning("values shorter than 4 bytes are not masked: " + join(masking.too_short()));
    }
    spec.make_filter = masking.factory();
    std::string exec_error;
    VAULTX_ASSIGN(auto outcome, ctx.record_if_failed(event_, exec::run_supervised(spec, exec_error)));
    if (!exec_error.empty()) print_error(Error(Errc::failure, exec_error));
    finish_record(ctx, outcome.exit_code, exec_error.empty() ? "" : "cannot run the command");
    return outcome.exit_code;
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
  std::vector<std::string> command_;
  audit::AuditEvent event_;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::ExecCommand)
