#include <vaultx/shell/doctor.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>

#include <vaultx/shell/process.hpp>
#include <vaultx/shell/scan.hpp>

namespace vaultx::shell {
namespace {

constexpr std::uintmax_t kMaxManifestSize = 16 * 1024 * 1024;
// Findings listed per check; the rest are counted.
constexpr std::size_t kMaxFindings = 50;

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

// Splits on LF; the views point into `text`.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t from = 0;
  while (from <= text.size()) {
    std::size_t end = text.find('\n', from);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(from, end - from));
    if (end == text.size()) break;
    from = end + 1;
  }
  return lines;
}

std::string at(const std::string& shown, std::size_t line) { return shown + ":" + std::to_string(line) + ": "; }

// A name printed in a finding: the file's own bytes, so only printable ASCII.
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 120)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

std::optional<std::string> read_small_file(const fs::path& file) {
  std::error_code ec;
  if (fs::file_size(file, ec) > kMaxManifestSize || ec) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool in_vendored_tree(const fs::path& file) {
  for (const auto& part : file) {
    if (part == "node_modules" || part == ".venv" || part == "venv" || part == "site-packages") return true;
  }
  return false;
}

void add_findings(DoctorCheck& check, std::vector<std::string> findings) {
  for (auto& f : findings) check.findings.push_back(std::move(f));
}

void cap_findings(DoctorCheck& check) {
  if (check.findings.size() <= kMaxFindings) return;
  const std::size_t more = check.findings.size() - kMaxFindings;
  check.findings.resize(kMaxFindings);
  check.findings.push_back("... and " + std::to_string(more) + " more");
}

// --- requirements*.txt ------------------------------------------------------

// A logical line of a requirements file: continuation lines joined, the
// comment removed, with the number of its first physical line.
struct Requirement {
  std::size_t line;
  std::string text;
};

std::string without_comment(std::string_view line) {
  // pip: '#' starts a comment at the start of a line or after whitespace.
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) return std::string(line.substr(0, i));
  }
  return std::string(line);
}

std::vector<Requirement> logical_lines(std::string_view text) {
  std::vector<Requirement> out;
  std::optional<Requirement> open;
  std::size_t number = 0;
  for (std::string_view raw : lines_of(text)) {
    ++number;
    std::string line = without_comment(raw);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    const bool continues = !line.empty() && line.back() == '\\';
    if (continues) line.pop_back();
    if (!open) open = Requirement{number, ""};
    open->text += " " + line;
    if (!continues) {
      out.push_back(std::move(*open));
      open.reset();
    }
  }
  if (open) out.push_back(std::move(*open));
  return out;
}

// The project name at the start of a requirement, e.g. "requests" in
// "requests[socks]==2.31.0 ; python_version>'3'".
std::string_view requirement_name(std::string_view req) {
  const auto end = req.find_first_of(" \t<>=!~;[@(");
  return req.substr(0, end);
}

bool has_exact_pin(std::string_view req) {
  const auto specifier = req.substr(0, req.find(';')).substr(0, req.find(" --"));
  const auto eq = specifier.find("==");
  if (eq == std::string_view::npos) return false;
  // "==1.*" is a range; "a==1,>=0" has more than one clause.
  const std::string_view version = trim(specifier.substr(eq + 2));
  return !version.empty() && version.find('*') == std::string_view::npos &&
         specifier.find(',') == std::string_view::npos;
}

// --- JSON objects (package.json, package-lock.json) ---------------------------

// What the walker knows about one JSON object when it closes.
struct JsonObject {
  std::string key;         // its key in the parent object ("" for the root or in an array)
  std::size_t depth = 0;   // 1 for the root object
  std::size_t line = 0;    // where it opened
  std::size_t members = 0;
  std::string parent_key;  // the parent's own key
  bool has_integrity = false;
  std::string resolved;    // the value of a "resolved" member, if any
};

// Walks `text` as JSON, calling on_close for every object; tolerant of
// anything that is not JSON (it stops at the first structural surprise).
template <typename OnClose>
void walk_json_objects(std::string_view text, OnClose on_close) {
  constexpr std::size_t kMaxDepth = 256;
  std::vector<JsonObject> stack;
  std::vector<char> containers;  // '{' or '['
  std::string last_string;
  bool have_key = false;          // last_string is an object key (a ':' followed)
  std::string pending_key;        // the key of the value being read
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (c == '"') {
      std::string s;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\n') return;  // not JSON
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        s += text[i];
      }
      if (!stack.empty() && containers.back() == '{' && have_key) {
        if (pending_key == "resolved") stack.back().resolved = s;
        if (pending_key == "integrity") stack.back().has_integrity = true;
        ++stack.back().members;
        have_key = false;
      } else {
        last_string = std::move(s);
      }
      continue;
    }
    switch (c) {
      case ':':
        pending_key = last_string;
        have_key = true;
        break;
      case ',':
        have_key = false;
        break;
      case '{':
      case '[':
        if (containers.size() >= kMaxDepth) return;
        if (c == '{') {
          JsonObject object;
          object.key = (have_key && !containers.empty() && containers.back() == '{') ? pending_key : "";
          object.depth = stack.size() + 1;
          object.line = line;
          object.parent_key = stack.empty() ? "" : stack.back().key;
          if (!stack.empty()) ++stack.back().members;
          stack.push_back(std::move(object));
        } else if (!stack.empty() && containers.back() == '{') {
          ++stack.back().members;
        }
        containers.push_back(c);
        have_key = false;
        break;
      case '}':
      case ']':
        if (containers.empty() || containers.back() != (c == '}' ? '{' : '[')) return;
        containers.pop_back();
        if (c == '}') {
          on_close(stack.back());
          stack.pop_back();
        }
        have_key = false;
        break;
      default:
        // A scalar member (number, true, false, null) counts once.
        if (have_key && c != ' ' && c != '\t' && c != '\r' && c != '\n' && !stack.empty()) {
          ++stack.back().members;
          have_key = false;
        }
        break;
    }
  }
}

bool is_registry_url(std::string_view url) { return starts_with(url, "https://") || starts_with(url, "http://"); }

// --- which files are which -----------------------------------------------------

bool is_requirements_file(const fs::path& file) {
  const std::string name = file.filename().string();
  return starts_with(name, "requirements") && ends_with(name, ".txt");
}

const std::array<const char*, 5> kNpmLockfiles = {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
                                                  "pnpm-lock.yaml", "bun.lockb"};

}  // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass: return "pass";
    case Verdict::fail: return "fail";
    case Verdict::skip: return "skip";
  }
  return "skip";
}

std::string shown_path(const fs::path& path, const fs::path& dir) {
  const fs::path relative = path.lexically_relative(dir);
  if (relative.empty() || starts_with(relative.string(), "..")) return path.string();
  return relative.string();
}

// --- project files ----------------------------------------------------------


ProjectFiles list_project_files(const fs::path& dir) {
  ProjectFiles files;
  {
    auto tracked = git_ls_files(dir, {"--cached"});
    auto untracked = git_ls_files(dir, {"--others", "--exclude-standard"});
    if (tracked && untracked) {
      files.in_git = true;
      files.tracked = std::move(*tracked);
      files.untracked = std::move(*untracked);
      files.all = files.tracked;
      files.all.insert(files.all.end(), files.untracked.begin(), files.untracked.end());
      std::sort(files.all.begin(), files.all.end());
      return files;
    }
  }
  std::vector<std::string> notes;
  if (auto listed = list_scan_files({dir.string()}, {}, notes)) files.all = std::move(*listed);
  return files;
}

// --- .env files --------------------------------------------------------------

bool is_env_file(const fs::path& file) {
  const std::string name = file.filename().string();
  if (name != ".env" && !starts_with(name, ".env.") && !ends_with(name, ".env")) return false;
  for (const char* template_suffix : {".example", ".sample", ".template", ".dist"}) {
    if (ends_with(name, template_suffix)) return false;
  }
  return true;
}

DoctorCheck check_env_files(const ProjectFiles& files, const fs::path& dir) {
  DoctorCheck check;
  check.id = "env-files";
  if (!files.in_git) {
    check.verdict = Verdict::skip;
    check.summary = "not a git work tree: no .env file can be committed by mistake";
    return check;
  }
  for (const auto& file : files.tracked) {
    if (is_env_file(file) && !in_vendored_tree(file)) check.findings.push_back(shown_path(file, dir) + ": tracked by git");
  }
  for (const auto& file : files.untracked) {
    if (is_env_file(file) && !in_vendored_tree(file)) {
      check.findings.push_back(shown_path(file, dir) + ": not ignored, so `git add .` would commit it");
    }
  }
  if (check.findings.empty()) {
    check.summary = "no .env file is tracked or left unignored";
    return check;
  }
  check.verdict = Verdict::fail;
  check.summary = std::to_string(check.findings.size()) + " .env file(s) tracked by git or not ignored";
  check.fix = "vaultx import FILE --format dotenv; git rm --cached FILE; add '.env*' and '!.env.example' to .gitignore "
              "(a committed value stays in history: rotate it)";
  cap_findings(check);
  return check;
}

// --- dependency pins ---------------------------------------------------------------

std::vector<std::string> unpinned_requirements(std::string_view text, const std::string& shown) {
  std::vector<std::string> findings;
  for (const Requirement& logical : logical_lines(text)) {
    const std::string_view req = trim(logical.text);
    if (req.empty()) continue;
    const bool hashed = req.find("--hash=") != std::string_view::npos || req.find("--hash ") != std::string_view::npos;
    if (starts_with(req, "-e ") || starts_with(req, "--editable")) {
      findings.push_back(at(shown, logical.line) + "an editable requirement cannot be pinned by hash");
      continue;
    }
    if (starts_with(req, "-")) continue;  // -r, -c, --index-url, ...: options, not requirements
    const bool is_url = req.find("://") != std::string_view::npos || starts_with(req, ".") || starts_with(req, "/");
    const std::string name = printable(is_url ? req.substr(0, req.find(' ')) : requirement_name(req));
    if (!is_url && !has_exact_pin(req)) {
      findings.push_back(at(shown, logical.line) + "'" + name + "' is not pinned to one version with ==");
    }
    if (!hashed) findings.push_back(at(shown, logical.line) + "'" + name + "' has no --hash");
  }
  return findings;
}

std::vector<std::string> npm_lock_entries_without_integrity(std::string_view text, const std::string& shown) {
  std::vector<std::string> findings;
  walk_json_objects(text, [&](const JsonObject& object) {
    if (is_registry_url(object.resolved) && !object.has_integrity) {
      findings.push_back(at(shown, object.line) + "'" + printable(object.key) + "' is resolved from " +
                         printable(object.resolved.substr(0, object.resolved.find('/', 8))) + " without an integrity hash");
    }
  });
  return findings;
}

bool package_json_declares_dependencies(std::string_view text) {
  bool declares = false;
  walk_json_objects(text, [&](const JsonObject& object) {
    if (object.depth != 2 || object.members == 0) return;
    for (const char* key : {"dependencies", "devDependencies", "optionalDependencies", "peerDependencies"}) {
      if (object.key == key) declares = true;
    }
  });
  return declares;
}

std::vector<std::string> yarn_lock_entries_without_integrity(std::string_view text, const std::string& shown) {
  std::vector<std::string> findings;
  struct Entry {
    std::size_t line = 0;
    std::string name;
    bool needs_integrity = false;  // yarn 1: resolved from a registry
    bool has_integrity = false;
    bool needs_checksum = false;   // yarn 2+: resolution from npm
    bool has_checksum = false;
  };
  std::optional<Entry> entry;
  auto close = [&] {
    if (entry && ((entry->needs_integrity && !entry->has_integrity) || (entry->needs_checksum && !entry->has_checksum))) {
      findings.push_back(at(shown, entry->line) + "'" + printable(entry->name) + "' has no integrity hash");
    }
    entry.reset();
  };
  std::size_t number = 0;
  for (std::string_view raw : lines_of(text)) {
    ++number;
    if (raw.empty() || raw[0] == '#') continue;
    if (raw[0] != ' ') {
      close();
      std::string_view name = trim(raw);
      if (ends_with(name, ":")) name.remove_suffix(1);
      if (!name.empty() && name[0] == '"') name = name.substr(1, name.find('"', 1) - 1);
      entry = Entry{.line = number, .name = std::string(name.substr(0, name.find(',')))};
      continue;
    }
    if (!entry) continue;
    const std::string_view field = trim(raw);
    if (starts_with(field, "resolved ")) entry->needs_integrity = is_registry_url(trim(field.substr(9)).substr(1));
    if (starts_with(field, "integrity ")) entry->has_integrity = true;
    if (starts_with(field, "resolution:") && field.find("@npm:") != std::string_view::npos) entry->needs_checksum = true;
    if (starts_with(field, "checksum:")) entry->has_checksum = true;
  }
  close();
  return findings;
}

std::vector<std::string> cargo_lock_entries_without_checksum(std::string_view text, const std::string& shown) {
  std::vector<std::string> findings;
  std::optional<std::size_t> package_line;
  std::string name;
  bool from_registry = false;
  bool has_checksum = false;
  auto close = [&] {
    if (package_line && from_registry && !has_checksum) {
      findings.push_back(at(shown, *package_line) + "'" + printable(name) + "' from a registry has no checksum");
    }
    package_line.reset();
    name.clear();
    from_registry = has_checksum = false;
  };
  std::size_t number = 0;
  for (std::string_view raw : lines_of(text)) {
    ++number;
    const std::string_view line = trim(raw);
    if (starts_with(line, "[")) {
      close();
      if (line == "[[package]]") package_line = number;
      continue;
    }
    if (!package_line) continue;
    if (starts_with(line, "name = \"")) name = std::string(line.substr(8, line.find('"', 8) - 8));
    if (starts_with(line, "source = \"registry+")) from_registry = true;
    if (starts_with(line, "checksum = ")) has_checksum = true;
  }
  close();
  return findings;
}

DoctorCheck check_dependency_pins(const ProjectFiles& files, const fs::path& dir) {
  DoctorCheck check;
  check.id = "dependency-pins";
  std::set<fs::path> present(files.all.begin(), files.all.end());
  std::size_t manifests = 0;
  for (const auto& file : files.all) {
    if (in_vendored_tree(file)) continue;
    const std::string name = file.filename().string();
    const std::string shown = shown_path(file, dir);
    const bool known = is_requirements_file(file) || name == "package.json" || name == "package-lock.json" ||
                       name == "npm-shrinkwrap.json" || name == "yarn.lock" || name == "Cargo.lock";
    if (!known) continue;
    const auto text = read_small_file(file);
    if (!text) {
      check.findings.push_back(shown + ": could not be read");
      continue;
    }
    ++manifests;
    if (is_requirements_file(file)) add_findings(check, unpinned_requirements(*text, shown));
    if (name == "package-lock.json" || name == "npm-shrinkwrap.json") {
      add_findings(check, npm_lock_entries_without_integrity(*text, shown));
    }
    if (name == "yarn.lock") add_findings(check, yarn_lock_entries_without_integrity(*text, shown));
    if (name == "Cargo.lock") add_findings(check, cargo_lock_entries_without_checksum(*text, shown));
    if (name == "package.json" && package_json_declares_dependencies(*text)) {
      const bool locked = std::any_of(kNpmLockfiles.begin(), kNpmLockfiles.end(),
                                      [&](const char* lock) { return present.count(file.parent_path() / lock) > 0; });
      if (!locked) check.findings.push_back(shown + ": declares dependencies but no lockfile is committed beside it");
    }
  }
  if (manifests == 0) {
    check.verdict = Verdict::skip;
    check.summary = "no dependency manifest (requirements*.txt, package.json, lockfiles, Cargo.lock)";
    return check;
  }
  if (check.findings.empty()) {
    check.summary = std::to_string(manifests) + " dependency manifest(s), every dependency pinned with a hash";
    return check;
  }
  check.verdict = Verdict::fail;
  check.summary = std::to_string(check.findings.size()) + " dependency pin(s) an attacker could move";
  check.fix = "pip-compile --generate-hashes (or pip freeze plus hashes); commit the lockfile (npm install "
              "--package-lock-only); regenerate lockfiles that lack integrity fields";
  cap_findings(check);
  return check;
}

// --- permissions -------------------------------------------------------------

std::vector<std::string> permission_problems(const fs::path& root) {
  std::vector<std::string> problems;
  const uid_t me = ::geteuid();
  auto inspect = [&](const fs::path& path) {
    struct stat st{};
    if (::lstat(path.c_str(), &st) != 0) return;
    if (S_ISLNK(st.st_mode)) return;
    if (st.st_uid != me) problems.push_back(path.string() + ": owned by uid " + std::to_string(st.st_uid));
    if ((st.st_mode & 077) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      problems.push_back(path.string() + ": mode " + mode + ", open to group or others");
    }
  };
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(root, ec))) return problems;
  inspect(root);
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    // A store in git has a .git directory that git itself manages.
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    inspect(it->path());
  }
  return problems;
}

}  // namespace vaultx::shell
