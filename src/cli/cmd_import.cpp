// vaultx import SOURCE [--format dotenv|json] [--from pass] [--prefix P]
// [--overwrite] [--dry-run]: bring secrets in from a .env or JSON file, or
// migrate a pass store. All or nothing: a bad line, a bad name, a gpg
// failure or an existing secret (without --overwrite) stops the import
// before anything is written.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <vaultx/format/dotenv.hpp>
#include <vaultx/format/json_import.hpp>
#include <vaultx/format/names.hpp>
#include <vaultx/shell/import.hpp>

namespace vaultx::cli {
namespace {

class ImportCommand final : public Command {
 public:
  std::string name() const override { return "import"; }
  std::string summary() const override { return "Import secrets from a dotenv or JSON file, or a pass store"; }

  void define(CLI::App& app) override {
    app.add_option("SOURCE", source_, "A .env or JSON file ('-' for standard input), or with --from pass, the "
                                      "pass store's directory")
        ->required();
    app.add_option("-f,--format", format_, "dotenv or json (default: json for *.json, else dotenv)")
        ->check(CLI::IsMember({"dotenv", "json"}));
    app.add_option("--from", from_, "pass: migrate a pass store (gpg decrypts each entry)")
        ->check(CLI::IsMember({"pass"}));
    app.add_option("--prefix", prefix_, "Store each KEY as PREFIX/KEY")->type_name("PREFIX");
    app.add_flag("--overwrite", overwrite_, "Replace existing secrets whose value differs (default: refuse)");
    app.add_flag("-n,--dry-run", dry_run_, "Print what would be created, updated or left alone; write nothing");
  }

  Result<int> run(Context& ctx) override {
    audit::AuditEvent event{.op = "import"};
    VAULTX_ASSIGN(const auto prefix, shell::normalize_prefix(prefix_));
    VAULTX_ASSIGN(auto items, from_ == "pass" ? read_pass(prefix) : read_file(prefix));
    VAULTX_ASSIGN(auto vault, ctx.unlock(event));
    VAULTX_ASSIGN(auto plan, ctx.record_if_failed(event, shell::plan_import(*vault, std::move(items), overwrite_)));
    if (dry_run_) {
      std::string out;
      for (const auto& p : plan) out += std::string(shell::action_name(p.action)) + " " + p.item.name + "\n";
      VAULTX_TRY(write_stdout(out));
      VAULTX_TRY(shell::refuse_conflicts(plan));
      return 0;
    }
    VAULTX_TRY(ctx.record_if_failed(event, shell::refuse_conflicts(plan)));
    auto applied = shell::apply_import(*vault, plan, event.names);
    if (!applied) return ctx.recorded(event, std::move(applied)).error();
    std::size_t created = 0, updated = 0, unchanged = 0;
    for (const auto& p : plan) {
      ++(p.action == shell::ImportAction::create   ? created
         : p.action == shell::ImportAction::update ? updated
                                                   : unchanged);
    }
    ctx.record(event);
    print_note("imported " + std::to_string(created + updated) + " of " + std::to_string(plan.size()) +
               " secrets from " + source_ + ": " + std::to_string(created) + " new, " + std::to_string(updated) +
               " updated, " + std::to_string(unchanged) + " unchanged");
    return 0;
  }

 private:
  [[nodiscard]] bool json() const {
    if (!format_.empty()) return format_ == "json";
    return source_.size() > 5 && source_.ends_with(".json");
  }

  Result<std::vector<shell::ImportItem>> read_file(const std::string& prefix) const {
    VAULTX_ASSIGN(auto text, shell::read_import_file(source_));
    const std::string source_name = source_ == "-" ? "<stdin>" : source_;
    VAULTX_ASSIGN(auto entries, json() ? format::parse_json_import(text.view(), source_name)
                                       : format::parse_dotenv(text.view(), source_name));
    std::vector<std::string> warnings;
    VAULTX_ASSIGN(auto items, shell::name_entries(std::move(entries), prefix, source_name, warnings));
    for (const auto& w : warnings) print_warning(w);
    return items;
  }

  Result<std::vector<shell::ImportItem>> read_pass(const std::string& prefix) const {
    if (!format_.empty()) return Error(Errc::usage, "--format does not apply to --from pass");
    VAULTX_ASSIGN(auto entries, shell::list_pass_store(source_));
    std::vector<shell::ImportItem> items;
    for (const auto& entry : entries) {  // every name first, so that a bad one stops before gpg runs
      std::string name = prefix.empty() ? entry.name : prefix + "/" + entry.name;
      if (auto valid = format::validate_secret_name(name); !valid) {
        return Error(Errc::usage,
                     entry.file.string() + ": the pass entry does not make a valid secret name: " +
                         valid.error().message,
                     "rename it in the pass store (pass mv), then import again; nothing was imported");
      }
      items.push_back({std::move(name), secure::SecretBytes(), entry.file.string()});
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
      VAULTX_ASSIGN(items[i].value, shell::decrypt_pass_entry(entries[i]));
    }
    return items;
  }

  std::string source_;
  std::string format_;
  std::string from_;
  std::string prefix_;
  bool overwrite_ = false;
  bool dry_run_ = false;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::ImportCommand)
