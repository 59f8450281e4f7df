#include <vaultx/shell/import.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include <vaultx/format/names.hpp>
#include <vaultx/format/secret_file.hpp>
#include <vaultx/secure/environment.hpp>
#include <vaultx/shell/process.hpp>

namespace vaultx::shell {

Result<secure::SecretBytes> read_import_file(const std::string& path) {
  if (path == "-") return secure::read_secret_fd(STDIN_FILENO, kMaxImportFileBytes, "standard input");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    return Error(err == ENOENT ? Errc::not_found : Errc::failure,
                 "cannot read " + path + ": " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Error(Errc::usage, path + " is a directory", "for a pass store, use --from pass " + path);
  }
  auto data = secure::read_secret_fd(fd, kMaxImportFileBytes, path);
  ::close(fd);
  return data;
}

Result<std::string> normalize_prefix(std::string_view prefix) {
  while (prefix.ends_with('/')) prefix.remove_suffix(1);
  if (prefix.empty()) return std::string();
  if (auto valid = format::validate_secret_name(prefix); !valid) {
    return Error(Errc::usage, "--prefix: " + valid.error().message, valid.error().hint);
  }
  return std::string(prefix);
}

Result<std::vector<ImportItem>> name_entries(std::vector<format::ImportedEntry> entries, std::string_view prefix,
                                             std::string_view source, std::vector<std::string>& warnings) {
  std::vector<ImportItem> items;
  std::map<std::string, std::size_t> index;  // name -> position in items
  for (auto& entry : entries) {
    const std::string origin = std::string(source) + ":" + std::to_string(entry.line);
    std::string name = prefix.empty() ? entry.key : std::string(prefix) + "/" + entry.key;
    if (auto valid = format::validate_secret_name(name); !valid) {
      return Error(Errc::usage, origin + ": the key " + format::quote_for_message(entry.key) +
                                    " does not make a valid secret name: " + valid.error().message,
                   "rename the key; names are segments of A-Z a-z 0-9 . _ - joined by '/'");
    }
    if (auto it = index.find(name); it != index.end()) {
      warnings.push_back(origin + ": " + format::quote_for_message(entry.key) + " is defined again (first at " +
                         items[it->second].origin + "); the last definition wins, as in dotenv");
      items[it->second].value = std::move(entry.value);
      items[it->second].origin = origin;
      continue;
    }
    index.emplace(name, items.size());
    items.push_back({std::move(name), std::move(entry.value), origin});
  }
  return items;
}

Result<std::vector<PlannedImport>> plan_import(const store::SecretAccess& vault, std::vector<ImportItem> items,
                                               bool overwrite) {
  std::vector<PlannedImport> plan;
  for (auto& item : items) {
    // The store's own limit, checked here so that it stops the import before
    // the first write rather than halfway through.
    if (item.value.size() > format::kMaxValueBytes) {
      return Error(Errc::usage, item.origin + ": the value of " + format::quote_for_message(item.name) + " is " +
                                    std::to_string(item.value.size()) + " bytes; the limit is 1 MiB",
                   "nothing was imported");
    }
    PlannedImport p{std::move(item), ImportAction::create, secure::SecretBytes()};
    if (vault.contains(p.item.name)) {
      VAULTX_ASSIGN(auto existing, vault.get(p.item.name));
      if (existing.value.equals(p.item.value)) {
        p.action = ImportAction::unchanged;
      } else {
        p.action = overwrite ? ImportAction::update : ImportAction::conflict;
        p.previous = std::move(existing.value);
      }
    }
    plan.push_back(std::move(p));
  }
  return plan;
}

Status refuse_conflicts(const std::vector<PlannedImport>& plan) {
  std::vector<std::string> names;
  for (const auto& p : plan) {
    if (p.action == ImportAction::conflict) names.push_back(p.item.name);
  }
  if (names.empty()) return {};
  std::string list;
  for (std::size_t i = 0; i < names.size() && i < 10; ++i) list += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > 10) list += ", ... (" + std::to_string(names.size()) + " in all)";
  return Error(Errc::exists,
               std::to_string(names.size()) + (names.size() == 1 ? " secret already exists" : " secrets already exist") +
                   " with another value: " + list + "; nothing was imported",
               "use --overwrite to replace them, or --prefix to import beside them");
}

Status apply_import(store::SecretAccess& vault, const std::vector<PlannedImport>& plan,
                    std::vector<std::string>& written) {
  std::vector<const PlannedImport*> done;
  for (const auto& p : plan) {
    if (p.action == ImportAction::unchanged) continue;
    store::PutOptions options;
    options.must_not_exist = p.action == ImportAction::create;
    auto put = vault.put(p.item.name, p.item.value, options);
    if (put) {
      done.push_back(&p);
      written.push_back(p.item.name);
      continue;
    }
    // Undo in reverse order; count what could not be undone.
    std::vector<std::string> stuck;
    for (auto it = done.rbegin(); it != done.rend(); ++it) {
      const auto& d = **it;
      bool undone = false;
      if (d.action == ImportAction::create) {
        undone = vault.remove(d.item.name).ok();
      } else {
        undone = vault.put(d.item.name, d.previous, {}).ok();
      }
      if (!undone) stuck.push_back(d.item.name);
    }
    std::string outcome = done.empty() ? "nothing had been written"
                          : stuck.empty()
                              ? "the " + std::to_string(done.size()) + " secrets written before it were rolled back"
                              : std::to_string(stuck.size()) + " of the secrets written before it could not be "
                                                               "rolled back: " + stuck.front() +
                                    (stuck.size() > 1 ? ", ..." : "");
    written.clear();
    for (const auto& name : stuck) written.push_back(name);
    return Error(put.error().code, "importing " + p.item.name + " failed: " + put.error().message + "; " + outcome,
                 put.error().hint);
  }
  return {};
}

std::string_view action_name(ImportAction action) {
  switch (action) {
    case ImportAction::create: return "create";
    case ImportAction::update: return "update";
    case ImportAction::unchanged: return "unchanged";
    case ImportAction::conflict: return "exists";
  }
  return "create";
}

// -- pass

namespace {

Status list_pass_dir(const fs::path& root, const fs::path& rel, std::vector<PassEntry>& out, std::size_t depth) {
  if (depth > 64) return Error(Errc::usage, "the pass store " + root.string() + " is nested too deeply");
  std::error_code ec;
  fs::directory_iterator it(root / rel, ec);
  if (ec) return Error(Errc::failure, "cannot list " + (root / rel).string() + ": " + ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return Error(Errc::failure, "cannot list " + (root / rel).string() + ": " + ec.message());
    const auto file_name = it->path().filename().string();
    if (file_name.starts_with('.')) continue;  // .git, .gpg-id, .extensions
    const auto status = it->symlink_status(ec);
    if (status.type() == fs::file_type::symlink) {
      return Error(Errc::usage, "the pass store holds a symbolic link: " + it->path().string(),
                   "replace it with the file it points to, or remove it");
    }
    if (status.type() == fs::file_type::directory) {
      VAULTX_TRY(list_pass_dir(root, rel / file_name, out, depth + 1));
    } else if (status.type() == fs::file_type::regular && file_name.ends_with(".gpg")) {
      const auto stem = (rel / file_name.substr(0, file_name.size() - 4)).generic_string();
      out.push_back({stem, it->path()});
    }
  }
  return {};
}

}  // namespace

Result<std::vector<PassEntry>> list_pass_store(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Error(Errc::not_found, "no pass store at " + dir.string(),
                 "give the store's directory, usually ~/.password-store");
  }
  std::vector<PassEntry> entries;
  VAULTX_TRY(list_pass_dir(dir, fs::path(), entries, 0));
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return entries;
}

Result<secure::SecretBytes> decrypt_pass_entry(const PassEntry& entry) {
  ProcessSpec spec;
  spec.argv = {"gpg", "--quiet", "--yes", "--batch", "--decrypt", entry.file.string()};
  // pinentry on the terminal needs to know which one it is.
  if (std::getenv("GPG_TTY") == nullptr && ::isatty(STDIN_FILENO) != 0) {
    if (const char* tty = ::ttyname(STDIN_FILENO)) spec.extra_env.push_back(std::string("GPG_TTY=") + tty);
  }
  spec.max_stdout = kMaxImportFileBytes;
  VAULTX_ASSIGN(auto result, run_process(spec));
  if (!result.succeeded()) {
    const auto why = last_line(result.err);
    return Error(Errc::failure, "gpg could not decrypt " + entry.file.string() + " (it " + result.describe() + ")" +
                                    (why.empty() ? std::string() : ": " + format::quote_for_message(why)),
                 "check that your key is available (gpg --list-secret-keys); nothing was imported");
  }
  if (result.out.view().ends_with('\n')) result.out.truncate(result.out.size() - 1);
  return std::move(result.out);
}

}  // namespace vaultx::shell
