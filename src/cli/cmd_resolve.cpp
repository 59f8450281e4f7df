// vaultx resolve NAME --ours|--theirs: settle a git conflict on one secret by
// taking one side's content. Both sides must authenticate; the version
// becomes one more than both, and the file is staged for the merge commit.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <vaultx/git/git.hpp>

namespace vaultx::cli {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto nl = text.find('\n', pos);
    out.push_back(text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

class ResolveCommand final : public Command {
 public:
  std::string name() const override { return "resolve"; }
  std::string summary() const override { return "Settle a git conflict on a secret by keeping our or their side"; }
  std::string group() const override { return "Team"; }

  void define(CLI::App& app) override {
    app.add_option("NAME", name_, "Secret with a git conflict")->required();
    auto* ours = app.add_flag("--ours", ours_, "Keep this clone's value");
    auto* theirs = app.add_flag("--theirs", theirs_, "Keep the merged-in value");
    ours->excludes(theirs);
  }

  Result<int> run(Context& ctx) override {
    if (ours_ == theirs_) return Error(Errc::usage, "say which side to keep", "add --ours or --theirs");
    audit::AuditEvent event{.op = "resolve", .names = {name_}};
    VAULTX_ASSIGN(auto vault, ctx.unlock_vault(event));
    const auto root = vault.store().paths().root;
    VAULTX_ASSIGN(auto unmerged, git::run_git(root, {"diff", "--name-only", "--diff-filter=U"}));
    if (unmerged.status != 0) return git::git_error("git diff failed", unmerged);
    for (const auto& rel : lines_of(unmerged.out)) {
      if (!rel.starts_with("secrets/")) continue;
      VAULTX_ASSIGN(auto sides, git::conflict_stages(root, rel));
      if (!sides) continue;
      auto side = vault.open_secret_text(sides->first, false);
      if (!side) side = vault.open_secret_text(sides->second, false);
      if (!side || side->name != name_) continue;
      VAULTX_ASSIGN(auto meta, ctx.recorded(event, vault.resolve_conflict(name_, sides->first, sides->second, ours_)));
      VAULTX_ASSIGN(auto added, git::run_git(root, {"add", "--", rel}));
      if (added.status != 0) return git::git_error("git add failed", added);
      VAULTX_TRY(write_stdout("resolved '" + name_ + "' with " + (ours_ ? "our" : "their") + " side, now version " +
                              std::to_string(meta.version) + "\n"));
      return 0;
    }
    return Error(Errc::not_found, "no unmerged secret file in " + root.string() + " holds '" + name_ + "'",
                 "list the conflicts with 'vaultx git status'");
  }

 private:
  std::string name_;
  bool ours_ = false;
  bool theirs_ = false;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::ResolveCommand)
