// vaultx ls [PREFIX]: list secret names, optionally with their metadata.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <algorithm>

#include <vaultx/format/json.hpp>
#include <vaultx/format/names.hpp>
#include <vaultx/format/timestamp.hpp>

namespace vaultx::cli {
namespace {

std::string json_time(std::optional<format::UnixSeconds> t) {
  return t ? format::json_string(format::format_rfc3339(*t)) : "null";
}

std::string render_json(const std::vector<store::Entry>& entries, format::UnixSeconds now) {
  std::string out = "[";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    out += i == 0 ? "\n  {" : ",\n  {";
    out += "\"name\": " + format::json_string(e.name);
    out += ", \"version\": " + std::to_string(e.meta.version);
    out += ", \"created\": " + json_time(e.meta.created);
    out += ", \"rotated\": " + json_time(e.meta.rotated);
    out += ", \"expires\": " + json_time(e.meta.expires);
    out += ", \"age_seconds\": " + std::to_string(std::max<format::UnixSeconds>(0, now - e.meta.rotated));
    out += "}";
  }
  out += entries.empty() ? "]\n" : "\n]\n";
  return out;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string render_long(const std::vector<store::Entry>& entries, format::UnixSeconds now) {
  std::size_t name_width = 4;
  for (const auto& e : entries) name_width = std::max(name_width, e.name.size());
  std::string out = pad("NAME", name_width) + "  VERSION  " + pad("CREATED", 20) + "  " + pad("ROTATED", 20) +
                    "  AGE    EXPIRES\n";
  for (const auto& e : entries) {
    out += pad(e.name, name_width) + "  " + pad(std::to_string(e.meta.version), 7) + "  " +
           format::format_rfc3339(e.meta.created) + "  " + format::format_rfc3339(e.meta.rotated) + "  " +
           pad(format::format_age(now - e.meta.rotated), 5) + "  " +
           (e.meta.expires ? format::format_rfc3339(*e.meta.expires) : "-") + "\n";
  }
  return out;
}

class LsCommand final : public Command {
 public:
  std::string name() const override { return "ls"; }
  std::string summary() const override { return "List secret names, sorted (under PREFIX if given)"; }

  void define(CLI::App& app) override {
    app.add_option("PREFIX", prefix_, "Only names equal to PREFIX or under PREFIX/");
    app.add_flag("-l,--long", long_, "Also version, created, rotated, age and expiry");
    app.add_flag("--json", json_, "A JSON array of objects (name, version, created, rotated, expires)");
    app.alias("list");
  }

  Result<int> run(Context& ctx) override {
    std::string_view prefix = prefix_;
    while (prefix.ends_with('/')) prefix.remove_suffix(1);
    if (!prefix.empty()) VAULTX_TRY(format::validate_secret_name(prefix));
    const audit::AuditEvent event{.op = "ls", .prefix = std::string(prefix)};
    VAULTX_ASSIGN(auto vault, ctx.unlock(event));
    VAULTX_ASSIGN(auto listing, ctx.recorded(event, vault->list(prefix)));
    const auto now = format::now_utc();
    if (json_) {
      VAULTX_TRY(write_stdout(render_json(listing.entries, now)));
    } else if (long_) {
      VAULTX_TRY(write_stdout(render_long(listing.entries, now)));
    } else {
      std::string out;
      for (const auto& e : listing.entries) (out += e.name) += '\n';
      VAULTX_TRY(write_stdout(out));
    }
    for (const auto& problem : listing.problems) print_error(problem);
    return listing.problems.empty() ? 0 : exit_code_for_errc(Errc::integrity);
  }

 private:
  std::string prefix_;
  bool long_ = false;
  bool json_ = false;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::LsCommand)
