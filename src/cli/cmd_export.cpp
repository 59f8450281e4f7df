// vaultx export [--format dotenv|json|shell] [PREFIX]: every secret (under
// PREFIX) as a .env file, a JSON object or shell exports, on stdout.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <map>

#include <vaultx/exec/env_render.hpp>
#include <vaultx/format/names.hpp>
#include <vaultx/shell/export.hpp>

namespace vaultx::cli {
namespace {

class ExportCommand final : public Command {
 public:
  std::string name() const override { return "export"; }
  std::string summary() const override { return "Print secrets (under PREFIX) as a dotenv file, JSON or shell"; }

  void define(CLI::App& app) override {
    app.add_option("PREFIX", prefix_, "Only names equal to PREFIX or under PREFIX/; variables are named from the "
                                      "rest of the name");
    app.add_option("-f,--format", format_, "dotenv (default), json or shell")
        ->check(CLI::IsMember({"dotenv", "json", "shell"}))
        ->default_str("dotenv");
  }

  Result<int> run(Context& ctx) override {
    std::string_view prefix = prefix_;
    while (prefix.ends_with('/')) prefix.remove_suffix(1);
    if (!prefix.empty()) VAULTX_TRY(format::validate_secret_name(prefix));
    audit::AuditEvent event{.op = "export", .prefix = std::string(prefix)};
    VAULTX_ASSIGN(auto vault, ctx.unlock(event));
    VAULTX_ASSIGN(auto listing, ctx.record_if_failed(event, vault->list(prefix)));
    if (!listing.problems.empty()) {
      for (const auto& problem : listing.problems) print_error(problem);
      const Error damaged(Errc::integrity, "nothing was exported: some secret files cannot be read",
                          "see the errors above; 'vaultx ls' lists the same files");
      (void)ctx.recorded(event, Status(damaged));
      return damaged;
    }
    std::vector<store::Secret> secrets;
    std::map<std::string, std::string> owner;  // variable -> secret name
    for (const auto& entry : listing.entries) {
      const auto variable = shell::export_variable(entry.name, prefix);
      if (auto [it, fresh] = owner.emplace(variable, entry.name); !fresh) {
        const Error clash(Errc::usage,
                          "secrets '" + it->second + "' and '" + entry.name + "' would both be exported as " +
                              variable,
                          "export a narrower PREFIX, or rename one of them with 'vaultx mv'");
        (void)ctx.recorded(event, Status(clash));
        return clash;
      }
      VAULTX_ASSIGN(auto secret, ctx.record_if_failed(event, vault->get(entry.name)));
      secrets.push_back(std::move(secret));
      event.names.push_back(entry.name);
    }
    std::vector<exec::EnvEntry> entries;
    for (const auto& s : secrets) entries.push_back({shell::export_variable(s.name, prefix), s.name, &s.value});
    VAULTX_ASSIGN(auto text, ctx.recorded(event, exec::render_env(env_format(), std::move(entries))));
    VAULTX_TRY(write_stdout(text.view()));
    return 0;
  }

 private:
  [[nodiscard]] exec::EnvFormat env_format() const {
    if (format_ == "json") return exec::EnvFormat::json;
    if (format_ == "shell") return exec::EnvFormat::shell;
    return exec::EnvFormat::dotenv;
  }

  std::string prefix_;
  std::string format_ = "dotenv";
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::ExportCommand)
