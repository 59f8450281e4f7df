// vaultx stale [--max-age D] [--json] [--no-key]: secrets past their expiry or
// their maximum age ([policy] in vaultx.toml, or --max-age). Exit 1 if any:
// a CI gate.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <algorithm>

#include <vaultx/config/policy.hpp>
#include <vaultx/format/encoding.hpp>
#include <vaultx/format/json.hpp>
#include <vaultx/format/units.hpp>
#include <vaultx/store/fs.hpp>

namespace vaultx::cli {
namespace {

struct StaleEntry {
  std::string name;
  format::SecretMetadata meta;
  config::Staleness staleness;
};

std::string json_time(std::optional<format::UnixSeconds> t) {
  return t ? format::json_string(format::format_rfc3339(*t)) : "null";
}

class StaleCommand final : public Command {
 public:
  std::string name() const override { return "stale"; }
  std::string summary() const override { return "List secrets past their expiry or maximum age; exit 1 if any"; }

  void define(CLI::App& app) override {
    max_age_option_ =
        app.add_option("--max-age", max_age_text_, "Maximum age for every secret, overriding [policy] (e.g. 90d)")
            ->type_name("DURATION");
    app.add_flag("--json", json_, "A JSON array of {name, version, rotated, expires, age_seconds, max_age_seconds, "
                                  "reason}");
    app.add_flag("--no-key", no_key_, "Check without unlocking: secrets are shown by file, only [policy] max_age "
                                      "and expiry apply, and the metadata is not authenticated");
  }

  Result<int> run(Context& ctx) override {
    std::optional<std::int64_t> max_age_override;
    // Given but empty (--max-age "") is a bad duration, not "no option".
    if (max_age_option_->count() > 0) {
      max_age_override = format::parse_duration(max_age_text_);
      if (!max_age_override) {
        return Error(Errc::usage, "--max-age '" + max_age_text_ + "' is not a duration",
                     "write it like 90d, 12h, 30m or 0s");
      }
    }
    VAULTX_ASSIGN(auto store, ctx.open_store());
    VAULTX_ASSIGN(auto config, config::load_config(store.paths().config()));
    std::vector<std::pair<std::string, format::SecretMetadata>> secrets;
    bool damaged = false;
    if (no_key_) {
      VAULTX_ASSIGN(secrets, read_metadata_without_key(store, damaged));
    } else {
      const audit::AuditEvent event{.op = "stale"};
      VAULTX_ASSIGN(auto vault, ctx.unlock(event));
      VAULTX_ASSIGN(auto listing, ctx.recorded(event, vault->list("")));
      for (const auto& problem : listing.problems) print_error(problem);
      damaged = !listing.problems.empty();
      for (auto& e : listing.entries) secrets.emplace_back(std::move(e.name), e.meta);
    }
    const auto now = format::now_utc();
    std::vector<StaleEntry> stale;
    for (auto& [name, meta] : secrets) {
      const auto max_age = max_age_override ? max_age_override
                           : no_key_        ? config.policy.max_age_seconds
                                            : config::max_age_for(config.policy, name);
      if (auto s = config::staleness(meta, max_age, now)) stale.push_back({name, meta, *s});
    }
    VAULTX_TRY(write_stdout(json_ ? render_json(stale) : render_text(stale)));
    // A gate must not pass over a file it could not check.
    if (damaged) return exit_code_for_errc(Errc::integrity);
    return stale.empty() ? 0 : 1;
  }

 private:
  // Every secret file's metadata, named by file: the names are encrypted.
  static Result<std::vector<std::pair<std::string, format::SecretMetadata>>> read_metadata_without_key(
      const store::Store& store, bool& damaged) {
    std::vector<std::pair<std::string, format::SecretMetadata>> out;
    VAULTX_ASSIGN(auto names, store::list_directory(store.paths().secrets_dir()));
    for (const auto& file_name : names) {
      if (file_name.starts_with('.') || !file_name.ends_with(store::kSecretSuffix)) continue;
      const auto path = store.paths().secrets_dir() / file_name;
      VAULTX_ASSIGN(auto text, store::read_file(path, format::kMaxSecretFileBytes));
      auto file = format::decode_secret_file(text);
      if (!file) {
        print_error(Error(Errc::integrity, "secret file " + path.string() + " is corrupt (" + file.error().message +
                                               ")"));
        damaged = true;
        continue;
      }
      out.emplace_back("secrets/" + file_name, file->meta);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
  }

  static std::string render_text(const std::vector<StaleEntry>& stale) {
    std::string out;
    for (const auto& e : stale) out += config::describe_staleness(e.name, e.meta, e.staleness) + "\n";
    return out;
  }

  static std::string render_json(const std::vector<StaleEntry>& stale) {
    std::string out = "[";
    for (std::size_t i = 0; i < stale.size(); ++i) {
      const auto& e = stale[i];
      out += i == 0 ? "\n  {" : ",\n  {";
      out += "\"name\": " + format::json_string(e.name);
      out += ", \"version\": " + std::to_string(e.meta.version);
      out += ", \"rotated\": " + json_time(e.meta.rotated);
      out += ", \"expires\": " + json_time(e.meta.expires);
      out += ", \"age_seconds\": " + std::to_string(e.staleness.age_seconds);
      out += ", \"max_age_seconds\": " +
             (e.staleness.max_age_seconds ? std::to_string(*e.staleness.max_age_seconds) : std::string("null"));
      out += std::string(", \"reason\": ") +
             (e.staleness.reason == config::StaleReason::expired ? "\"expired\"" : "\"max-age\"") + "}";
    }
    return out + (stale.empty() ? "]\n" : "\n]\n");
  }

  std::string max_age_text_;
  CLI::Option* max_age_option_ = nullptr;
  bool json_ = false;
  bool no_key_ = false;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::StaleCommand)
