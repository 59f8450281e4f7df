// vaultx git: a store kept in git.
//   vaultx git setup            git init if needed, .gitattributes and the diff driver
//   vaultx git textconv FILE    what `git diff` shows of a secret file (run by git)
//   vaultx git ARGS...          git -C STORE ARGS...
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <filesystem>
#include <optional>

#include <vaultx/format/encoding.hpp>
#include <vaultx/format/secret_file.hpp>
#include <vaultx/format/timestamp.hpp>
#include <vaultx/git/git.hpp>
#include <vaultx/store/fs.hpp>
#include <vaultx/store/store.hpp>

namespace vaultx::cli {
namespace {

// The absolute path of this binary, for the diff driver's command.
std::string self_path() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("vaultx") : p.string();
}

// The store a diff is about. git runs the driver in the work tree (its top,
// or where git was started for some commands), so the nearest directory up
// from there holding a store header wins over VAULTX_STORE and the default.
std::optional<fs::path> enclosing_store() {
  std::error_code ec;
  for (fs::path dir = fs::current_path(ec); !ec && !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / "vaultx-store", ec)) return dir;
    if (dir == dir.parent_path()) break;
  }
  return std::nullopt;
}

// What `git diff` shows of a secret file: its metadata always; with a key
// source that needs no prompt, also its name and a keyed fingerprint of the
// value (a scoped identity: the name only). Never the value. textconv runs
// inside git: it never prompts and never fails the diff, so any problem
// opening the file becomes one line of the output.
std::string textconv_text(Context& ctx, const std::string& path) {
  auto text = store::read_file(path, format::kMaxSecretFileBytes);
  if (!text) return "(cannot read " + path + ": " + text.error().message + ")\n";
  auto file = format::decode_secret_file(*text);
  if (!file) {
    if (text->starts_with("vaultx-key") || text->starts_with("vaultx-scope")) return *text;  // no secret in them
    return "(not a vaultx secret file: " + file.error().message + ")\n";
  }
  std::string name_line;
  std::string fingerprint_line;
  std::string note;
  if (auto root = enclosing_store()) ctx.store_option = root->string();
  auto access = ctx.unlock_without_prompt();
  if (!access) {
    note = "(name not shown: " + access.error().message + ")\n";
  } else if (*access == nullptr) {
    note = "(name and fingerprint not shown: set VAULTX_PASSPHRASE_FILE, VAULTX_PASSPHRASE or VAULTX_IDENTITY_FILE "
           "for git to show them)\n";
  } else if (const auto* vault = dynamic_cast<const store::Vault*>(access->get())) {
    auto secret = vault->open_secret_text(*text, true);
    if (secret) {
      name_line = "name " + secret->name + "\n";
      fingerprint_line = "fingerprint " + vault->fingerprint(secret->value) + "\n";
    } else {
      note = "(name not shown: " + secret.error().message + ")\n";
    }
  } else if (const auto* scoped = dynamic_cast<const store::ScopedVault*>(access->get())) {
    auto name = scoped->open_name_text(*text);
    if (name) {
      name_line = "name " + *name + "\n";
    } else {
      note = "(name not shown: " + name.error().message + ")\n";
    }
  }
  std::string out = "vaultx secret " + format::hex_encode(file->file_id) + "\n";
  out += name_line;
  out += "version " + std::to_string(file->meta.version) + "\n";
  out += "created " + format::format_rfc3339(file->meta.created) + "\n";
  out += "rotated " + format::format_rfc3339(file->meta.rotated) + "\n";
  out += "expires " + (file->meta.expires ? format::format_rfc3339(*file->meta.expires) : std::string("never")) + "\n";
  out += fingerprint_line;
  for (const auto& k : file->keys) out += "key " + k.holder + "\n";
  return out + note;
}

class GitCommand final : public Command {
 public:
  std::string name() const override { return "git"; }
  std::string summary() const override { return "Run git in the store; 'git setup' makes the store a git repository"; }
  std::string group() const override { return "Team"; }

  void define(CLI::App& app) override {
    // main hands every word after `git` over untouched (ctx.command_after_separator).
    app.footer("vaultx git setup | vaultx git textconv FILE | vaultx git ARGS... (run as git -C STORE ARGS...)");
  }

  Result<int> run(Context& ctx) override {
    const std::vector<std::string>& args = ctx.command_after_separator;
    const auto root = ctx.store_dir();
    if (!args.empty() && args.front() == "textconv") {
      if (args.size() != 2) return Error(Errc::usage, "usage: vaultx git textconv FILE", "git runs it for you");
      // Whatever happened, git gets text and exit 0: a failed textconv fails the whole diff.
      (void)write_stdout(textconv_text(ctx, args[1]));
      return 0;
    }
    VAULTX_TRY(ctx.open_store());
    if (!args.empty() && args.front() == "setup") {
      VAULTX_TRY(git::setup(root, self_path() + " git textconv"));
      VAULTX_TRY(write_stdout("git enabled in " + root.string() + ": every write is committed\n"));
      return 0;
    }
    std::vector<std::string> argv{"git", "-C", root.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return git::run_inherited(argv, git::ChildEnv::vaultx_paths);
  }

 private:
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::GitCommand)
