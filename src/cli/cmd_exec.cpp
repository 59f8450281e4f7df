// vaultx exec --scope S -- CMD ARGS: run CMD with exactly the scope's secrets
// in its environment. Exit status as env(1): the child's, 128+N for signal N,
// 125 if vaultx failed before the child ran, 126 not executable, 127 not found.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"
#include "scope_options.hpp"

#include <vaultx/exec/child_env.hpp>
#include <vaultx/exec/command_path.hpp>
#include <vaultx/exec/masking.hpp>
#include <vaultx/exec/scope_secrets.hpp>
#include <vaultx/exec/supervisor.hpp>

extern char** environ;  // NOLINT: POSIX

namespace vaultx::cli {
namespace {

constexpr int kExecFailure = 125;

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
    app.add_option("COMMAND", command_, "The command and its arguments, after --")->required();
    // Everything after the first positional belongs to the command, options included.
    app.positionals_at_end();
  }

  int exit_code_for(const Error&) const override { return kExecFailure; }

  Result<int> run(Context& ctx) override {
    VAULTX_ASSIGN(auto store, ctx.open_store());
    VAULTX_ASSIGN(auto config, scopes_.load(store));
    VAULTX_ASSIGN(auto vault, ctx.unlock());
    VAULTX_ASSIGN(auto secrets, exec::load_scope_secrets(*vault, config, scopes_.names));
    std::vector<exec::InjectedVariable> injected;
    for (const auto& s : secrets) injected.push_back({s.variable, s.secret_name, &s.value});
    VAULTX_ASSIGN(auto child_env, exec::ChildEnvironment::build(environ, clean_env_, injected));

    const auto lookup = exec::find_command(command_.front(), child_env.get("PATH"));
    if (!lookup.found) {
      print_error(Error(Errc::failure, "cannot run '" + command_.front() + "': " +
                                           (lookup.failure == exec::LookupFailure::not_found
                                                ? "command not found"
                                                : "permission denied (not executable)")));
      return exec::exit_status_for(lookup.failure);
    }
    exec::LaunchSpec spec;
    spec.path = lookup.path;
    spec.argv = command_;
    spec.envp = child_env.envp();
    spec.mask = mask_mode();
    if (spec.mask == exec::MaskMode::never) {
      int status = kExecFailure;
      print_error(exec::replace_process(spec, status));
      return status;
    }
    auto masking = exec::MaskingPlan::for_secrets(secrets);
    if (!masking.too_short().empty()) {
      print_warning("values shorter than 4 bytes are not masked: " + join(masking.too_short()));
    }
    spec.make_filter = masking.factory();
    std::string exec_error;
    VAULTX_ASSIGN(auto outcome, exec::run_supervised(spec, exec_error));
    if (!exec_error.empty()) print_error(Error(Errc::failure, exec_error));
    return outcome.exit_code;
  }

 private:
  [[nodiscard]] exec::MaskMode mask_mode() const {
    if (mask_ == "always") return exec::MaskMode::always;
    if (mask_ == "never") return exec::MaskMode::never;
    return exec::MaskMode::automatic;
  }

  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
  }

  ScopeOptions scopes_;
  bool clean_env_ = false;
  std::string mask_ = "auto";
  std::vector<std::string> command_;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::ExecCommand)
