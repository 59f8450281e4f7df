// vaultx git: a store kept in git.
//   vaultx git setup            git init if needed, .gitattributes and the diff driver
//   vaultx git textconv FILE    what `git diff` shows of a secret file (run by git)
//   vaultx git ARGS...          git -C STORE ARGS...
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <filesystem>

#include <vaultx/format/encoding.hpp>
#include <vaultx/format/secret_file.hpp>
#include <vaultx/format/timestamp.hpp>
#include <vaultx/git/git.hpp>
#include <vaultx/store/fs.hpp>

namespace vaultx::cli {
namespace {

// The absolute path of this binary, for the diff driver's command.
std::string self_path() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("vaultx") : p.string();
}

// Metadata only: textconv runs inside git, must never prompt, and shows no
// value. The name is encrypted, so the file id stands for it.
Result<std::string> textconv_text(const std::string& path) {
  VAULTX_ASSIGN(auto text, store::read_file(path, format::kMaxSecretFileBytes));
  auto file = format::decode_secret_file(text);
  if (!file) {
    if (text.starts_with("vaultx-key") || text.starts_with("vaultx-scope")) return text;  // no secret in them
    return std::string("(not a vaultx secret file: " + file.error().message + ")\n");
  }
  std::string out = "vaultx secret " + format::hex_encode(file->file_id) + "\n";
  out += "version " + std::to_string(file->meta.version) + "\n";
  out += "created " + format::format_rfc3339(file->meta.created) + "\n";
  out += "rotated " + format::format_rfc3339(file->meta.rotated) + "\n";
  out += "expires " + (file->meta.expires ? format::format_rfc3339(*file->meta.expires) : std::string("never")) + "\n";
  for (const auto& k : file->keys) out += "key " + k.holder + "\n";
  return out;
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
      VAULTX_ASSIGN(auto text, textconv_text(args[1]));
      VAULTX_TRY(write_stdout(text));
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
