// vaultx scope: the scopes of vaultx.toml and the programs they may be given to.
//   vaultx scope ls                    scopes, their patterns, commands and pins
//   vaultx scope pin SCOPE PATH        record the SHA-256 of a program or script
//   vaultx scope unpin SCOPE PATH
//   vaultx scope pins [SCOPE]          pins, and whether the file still matches
//   vaultx scope sync [--yes]          review and accept vaultx.toml on this machine (team stores)
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"
#include "scope_sync.hpp"

#include <filesystem>

#include <vaultx/config/config.hpp>
#include <vaultx/exec/command_path.hpp>
#include <vaultx/format/encoding.hpp>
#include <vaultx/store/pins.hpp>

namespace vaultx::cli {
namespace {

namespace fs = std::filesystem;

// A program name as exec would find it (through PATH), or a path; canonical.
Result<std::string> resolve_pin_target(const std::string& given) {
  const char* path_var = std::getenv("PATH");
  const auto found = exec::find_command(given, path_var ? std::optional<std::string_view>(path_var) : std::nullopt);
  std::error_code ec;
  if (found.found || fs::is_regular_file(given, ec)) {
    const auto canonical = fs::canonical(found.found ? found.path : given, ec);
    if (!ec) return canonical.string();
  }
  return Error(Errc::not_found, "no program or file '" + given + "'", "give a path, or a command on PATH");
}

class ScopeCommand final : public Command {
 public:
  std::string name() const override { return "scope"; }
  std::string summary() const override { return "List scopes; pin the programs and scripts a scope may be given to"; }
  std::string group() const override { return "Scopes"; }

  void define(CLI::App& app) override {
    ls_ = app.add_subcommand("ls", "List the scopes of vaultx.toml with their patterns, commands and pins");
    pin_ = app.add_subcommand("pin", "Record the SHA-256 of PATH: exec of SCOPE then runs only that content");
    pin_->add_option("SCOPE", scope_, "Scope from vaultx.toml")->required();
    pin_->add_option("PATH", path_, "Program (a path or a command on PATH) or an interpreter's script")->required();
    unpin_ = app.add_subcommand("unpin", "Forget the pin of PATH for SCOPE");
    unpin_->add_option("SCOPE", scope_, "Scope")->required();
    unpin_->add_option("PATH", path_, "Pinned program or script")->required();
    pins_ = app.add_subcommand("pins", "List pins and whether each file still matches");
    pins_->add_option("SCOPE", scope_, "Only this scope");
    sync_ = app.add_subcommand("sync", "Show how vaultx.toml changes each scope, accept it on this machine, rewrap");
    sync_->add_flag("-y,--yes", yes_, "Accept without asking (for scripts)");
    for (auto* sub : {ls_, pin_, unpin_, pins_, sync_}) sub->group("Subcommands");
    app.require_subcommand(1, 1);
  }

  Result<int> run(Context& ctx) override {
    if (sync_->parsed()) return sync_scopes(ctx, SyncOptions{.yes = yes_});
    VAULTX_ASSIGN(auto store, ctx.open_store());
    VAULTX_ASSIGN(auto config, ctx.load_config(store));
    store::PinStore pins(ctx.state_dir(), store.header().store_id);
    if (ls_->parsed()) return list_scopes(config, pins);
    if (pins_->parsed()) return list_pins(pins);
    if (config.scopes.count(scope_) == 0) {
      return Error(Errc::not_found, "no scope named '" + scope_ + "' in " + config.source,
                   "define it as [scopes." + scope_ + "] in vaultx.toml first");
    }
    if (unpin_->parsed()) {
      // The pinned file may be gone: fall back to the path as given, made absolute.
      auto resolved = resolve_pin_target(path_);
      const std::string target =
          resolved ? *resolved : fs::absolute(path_).lexically_normal().string();
      VAULTX_TRY(ctx.recorded(audit::AuditEvent{.op = "scope-unpin", .scopes = {scope_}, .command = target},
                              pins.remove(scope_, target)));
      return 0;
    }
    VAULTX_ASSIGN(auto target, resolve_pin_target(path_));
    VAULTX_ASSIGN(auto digest, store::hash_file(target));
    VAULTX_TRY(ctx.recorded(audit::AuditEvent{.op = "scope-pin", .scopes = {scope_}, .command = target},
                            pins.put(format::CommandPin{scope_, target, digest})));
    VAULTX_TRY(write_stdout("pinned " + target + " for scope " + scope_ + " (sha256 " + format::hex_encode(digest) +
                            ")\n"));
    return 0;
  }

 private:
  Result<int> list_scopes(const config::Config& config, const store::PinStore& pins) const {
    VAULTX_ASSIGN(auto all_pins, pins.load());
    std::string out;
    for (const auto& [name, spec] : config.scopes) {
      out += name + "\n";
      for (const auto& s : spec.secrets) out += "  secret   " + s + "\n";
      for (const auto& [var, secret] : spec.env) out += "  env      " + var + " = " + secret + "\n";
      for (const auto& c : spec.commands) out += "  command  " + c + "\n";
      for (const auto& p : all_pins) {
        if (p.scope == name) out += "  pinned   " + p.path + "\n";
      }
    }
    VAULTX_TRY(write_stdout(out));
    return 0;
  }

  Result<int> list_pins(const store::PinStore& pins) const {
    VAULTX_ASSIGN(auto all, pins.load());
    std::string out;
    bool changed = false;
    for (const auto& p : all) {
      if (!scope_.empty() && p.scope != scope_) continue;
      auto now = store::hash_file(p.path);
      const bool matches = now && *now == p.digest;
      changed = changed || !matches;
      out += p.scope + "  " + format::hex_encode(p.digest).substr(0, 16) + "  " + p.path +
             (matches ? "" : now ? "  CHANGED" : "  MISSING") + "\n";
    }
    VAULTX_TRY(write_stdout(out));
    return changed ? 1 : 0;
  }

  CLI::App* ls_ = nullptr;
  CLI::App* pin_ = nullptr;
  CLI::App* unpin_ = nullptr;
  CLI::App* pins_ = nullptr;
  CLI::App* sync_ = nullptr;
  bool yes_ = false;
  std::string scope_;
  std::string path_;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::ScopeCommand)
