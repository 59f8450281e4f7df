#include <vaultx/git/git.hpp>

#include <algorithm>
#include <set>

#include <vaultx/store/fs.hpp>

namespace vaultx::git {

namespace {

constexpr std::string_view kAttributes[] = {"secrets/*.secret diff=vaultx", "keys/*.key diff=vaultx",
                                            "removed/*.key diff=vaultx"};

std::string first_lines(const std::string& text, std::size_t n) {
  std::string out;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < n && pos < text.size(); ++i) {
    const auto nl = text.find('\n', pos);
    out += (out.empty() ? "" : "; ") + text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

std::string nul_joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) (out += i) += '\0';
  return out;
}

std::vector<std::string> split_nul(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find('\0', pos);
    out.push_back(text.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return out;
}

}  // namespace

Error git_error(const std::string& what, const Captured& result) {
  return Error(Errc::failure, what + " (git exited " + std::to_string(result.status) + ": " +
                                  first_lines(result.err, 3) + ")",
               "inspect the repository with 'vaultx git status'");
}

bool enabled(const fs::path& store_root) {
  std::error_code ec;
  return fs::exists(store_root / ".git", ec);
}

Result<Captured> run_git(const fs::path& store_root, const std::vector<std::string>& args, std::string_view input) {
  std::vector<std::string> argv{"git", "-C", store_root.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_captured(argv, ChildEnv::without_vaultx, input);
}

Status setup(const fs::path& store_root, const std::string& textconv_command) {
  if (!enabled(store_root)) {
    VAULTX_ASSIGN(auto init, run_git(store_root, {"init", "-q"}));
    if (init.status != 0) return git_error("git init failed in " + store_root.string(), init);
  }
  const fs::path attributes = store_root / ".gitattributes";
  std::string text;
  auto existing = store::read_file(attributes, 1024 * 1024);
  if (existing) {
    text = std::move(*existing);
  } else if (existing.error().code != Errc::not_found) {
    return std::move(existing).error();
  }
  std::string added;
  for (auto line : kAttributes) {
    if (text.find(std::string(line) + "\n") == std::string::npos) added += std::string(line) + "\n";
  }
  if (!added.empty()) {
    if (!text.empty() && text.back() != '\n') text += '\n';
    VAULTX_TRY(store::write_file_atomic(attributes, text + added));
  }
  VAULTX_ASSIGN(auto config, run_git(store_root, {"config", "diff.vaultx.textconv", textconv_command}));
  if (config.status != 0) return git_error("git config failed in " + store_root.string(), config);
  return {};
}

Result<CommitOutcome> commit_changes(const fs::path& store_root, const std::string& op,
                                     const std::vector<fs::path>& changed) {
  const fs::path root = fs::absolute(store_root).lexically_normal();
  std::vector<std::string> paths;
  std::set<std::string> seen;
  for (const auto& p : changed) {
    const auto rel = fs::absolute(p).lexically_normal().lexically_relative(root);
    if (rel.empty() || rel.native().starts_with("..") || rel == ".git" || rel.native().starts_with(".git/")) continue;
    if (seen.insert(rel.string()).second) paths.push_back(rel.string());
  }
  CommitOutcome outcome;
  if (paths.empty()) return outcome;
  // update-index stages additions, changes and removals of exactly these
  // paths, and (unlike git add) accepts a path that no longer exists anywhere.
  VAULTX_ASSIGN(auto staged, run_git(root, {"update-index", "--add", "--remove", "-z", "--stdin"}, nul_joined(paths)));
  if (staged.status != 0) return git_error("cannot stage the change in git", staged);
  VAULTX_ASSIGN(auto diff, run_git(root, {"diff", "--cached", "--name-only", "-z", "--no-renames"}));
  if (diff.status != 0) return git_error("cannot list the staged change", diff);
  std::vector<std::string> to_commit;
  for (const auto& name : split_nul(diff.out)) {
    if (seen.count(name) != 0) to_commit.push_back(name);
  }
  if (to_commit.empty()) return outcome;
  outcome.files = to_commit.size();
  VAULTX_ASSIGN(auto merging, run_git(root, {"rev-parse", "-q", "--verify", "MERGE_HEAD"}));
  if (merging.status == 0) {
    outcome.staged_for_merge = true;
    return outcome;
  }
  const auto secrets = std::count_if(to_commit.begin(), to_commit.end(), [](const std::string& p) {
    return p.starts_with("secrets/") && p.ends_with(".secret");
  });
  const std::string message =
      "vaultx: " + op + " (" + std::to_string(secrets) + (secrets == 1 ? " secret)" : " secrets)");
  VAULTX_ASSIGN(auto commit, run_git(root, {"commit", "-q", "-m", message, "--pathspec-from-file=-",
                                            "--pathspec-file-nul"},
                                     nul_joined(to_commit)));
  if (commit.status != 0) {
    Error e = git_error("the change is written but git commit failed", commit);
    e.hint = "set user.name and user.email ('vaultx git config user.email you@example.com'), then commit with "
             "'vaultx git commit'";
    return e;
  }
  outcome.committed = true;
  return outcome;
}

Result<std::optional<std::pair<std::string, std::string>>> conflict_stages(const fs::path& store_root,
                                                                           const std::string& relative) {
  using Out = std::optional<std::pair<std::string, std::string>>;
  VAULTX_ASSIGN(auto listing, run_git(store_root, {"ls-files", "-u", "-z", "--", relative}));
  if (listing.status != 0) return Out();
  bool has2 = false;
  bool has3 = false;
  for (const auto& entry : split_nul(listing.out)) {
    // "<mode> <object> <stage>\t<path>"
    const auto tab = entry.find('\t');
    if (tab == std::string::npos || tab < 2) continue;
    has2 = has2 || entry[tab - 1] == '2';
    has3 = has3 || entry[tab - 1] == '3';
  }
  if (!has2 || !has3) return Out();
  VAULTX_ASSIGN(auto ours, run_git(store_root, {"show", ":2:" + relative}));
  VAULTX_ASSIGN(auto theirs, run_git(store_root, {"show", ":3:" + relative}));
  if (ours.status != 0 || theirs.status != 0) return Out();
  return Out(std::make_pair(std::move(ours.out), std::move(theirs.out)));
}

}  // namespace vaultx::git
