// vaultx scan PATH... [--json]: report where stored values (or their base64,
// URL-encoded, JSON-escaped or hex forms) appear in files; never the value.
// Exit 1 if anything is found.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <set>

#include <vaultx/format/json.hpp>
#include <vaultx/shell/scan.hpp>

namespace vaultx::cli {
namespace {

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

class ScanCommand final : public Command {
 public:
  std::string name() const override { return "scan"; }
  std::string summary() const override { return "Find stored values (and their encodings) in files"; }

  void define(CLI::App& app) override {
    app.add_option("PATH", paths_, "Files or directories to scan (a git work tree honours .gitignore)")
        ->required();
    app.add_flag("--json", json_, "One JSON object per finding: path, line, name, form");
  }

  Result<int> run(Context& ctx) override {
    audit::AuditEvent event{.op = "scan"};
    VAULTX_ASSIGN(auto vault, ctx.unlock(event));
    VAULTX_ASSIGN(auto listing, ctx.record_if_failed(event, vault->list("")));
    for (const auto& problem : listing.problems) print_error(problem);
    VAULTX_ASSIGN(auto scanner_ptr, ctx.record_if_failed(event, shell::scanner_for(*vault, listing.entries)));
    shell::Scanner& scanner = *scanner_ptr;
    if (!scanner.too_short().empty()) {
      print_warning("values shorter than 4 bytes are not looked for: " + join_names(scanner.too_short()));
    }
    std::vector<std::string> notes;
    VAULTX_ASSIGN(auto files, ctx.record_if_failed(event, shell::list_scan_files(paths_, ctx.store_dir(), notes)));
    for (const auto& note : notes) print_note(note);
    std::vector<shell::ScanHit> hits;
    std::set<std::string> found;
    for (const auto& file : files) {
      hits.clear();
      if (auto status = scanner.scan_file(file, hits); !status) {
        print_warning(status.error().message);
        continue;
      }
      std::string text;
      for (const auto& hit : hits) {
        found.insert(hit.name);
        text += json_ ? render_json(hit) : hit.path + ":" + std::to_string(hit.line) + ": " + hit.name + "\n";
      }
      if (!text.empty()) VAULTX_TRY(write_stdout(text));
    }
    event.names.assign(found.begin(), found.end());
    ctx.record(event);
    return found.empty() ? 0 : 1;
  }

 private:
  static std::string render_json(const shell::ScanHit& hit) {
    std::string out = "{\"path\":";
    format::append_json_string(out, hit.path);
    out += ",\"line\":" + std::to_string(hit.line) + ",\"name\":";
    format::append_json_string(out, hit.name);
    out += ",\"form\":";
    format::append_json_string(out, hit.form);
    out += "}\n";
    return out;
  }

  std::vector<std::string> paths_;
  bool json_ = false;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::ScanCommand)
