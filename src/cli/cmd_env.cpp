// vaultx env --scope S: print the scope's secrets for eval, dotenv tools or JSON.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"
#include "scope_options.hpp"

#include <vaultx/exec/env_render.hpp>
#include <vaultx/exec/scope_secrets.hpp>

namespace vaultx::cli {
namespace {

class EnvCommand final : public Command {
 public:
  std::string name() const override { return "env"; }
  std::string summary() const override { return "Print a scope's secrets as shell, dotenv or JSON"; }
  std::string group() const override { return "Scopes"; }

  void define(CLI::App& app) override {
    scopes_.define(app);
    app.add_option("-f,--format", format_, "shell (for eval, default), dotenv or json")
        ->check(CLI::IsMember({"shell", "dotenv", "json"}))
        ->default_str("shell");
  }

  Result<int> run(Context& ctx) override {
    audit::AuditEvent event{.op = "env", .scopes = scopes_.names};
    VAULTX_ASSIGN(auto store, ctx.record_if_failed(event, ctx.open_store()));
    VAULTX_ASSIGN(auto config, ctx.record_if_failed(event, scopes_.load(ctx, store)));
    VAULTX_ASSIGN(auto vault, ctx.unlock(event));
    VAULTX_TRY(ctx.record_if_failed(event, scopes_.check_access(*vault)));
    VAULTX_ASSIGN(auto secrets, ctx.record_if_failed(event, agent::load_scope_secrets(*vault, config, scopes_.names)));
    for (const auto& s : secrets) event.names.push_back(s.secret_name);
    std::vector<exec::EnvEntry> entries;
    for (const auto& s : secrets) entries.push_back({s.variable, s.secret_name, &s.value});
    VAULTX_ASSIGN(auto text, ctx.recorded(event, exec::render_env(env_format(), std::move(entries))));
    VAULTX_TRY(write_stdout(text.view()));
    return 0;
  }

 private:
  [[nodiscard]] exec::EnvFormat env_format() const {
    if (format_ == "dotenv") return exec::EnvFormat::dotenv;
    if (format_ == "json") return exec::EnvFormat::json;
    return exec::EnvFormat::shell;
  }

  ScopeOptions scopes_;
  std::string format_ = "shell";
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::EnvCommand)
