// vaultx edit NAME [--raw]: the value in $EDITOR (then $VISUAL, then vi), on a
// private file on tmpfs that is wiped and removed on every exit path. An
// unchanged buffer writes nothing; a new name is created when the buffer is
// saved with something in it.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <cstring>

#include <vaultx/format/names.hpp>
#include <vaultx/format/secret_file.hpp>
#include <vaultx/shell/editor.hpp>

namespace vaultx::cli {
namespace {

class EditCommand final : public Command {
 public:
  std::string name() const override { return "edit"; }
  std::string summary() const override { return "Edit a secret in $EDITOR on a private tmpfs file, wiped afterwards"; }

  void define(CLI::App& app) override {
    app.add_option("NAME", name_, "Secret name; a new name is created if the buffer is saved")->required();
    app.add_flag("--raw", raw_, "The file holds the exact bytes (default: a newline is added, and one dropped)");
  }

  Result<int> run(Context& ctx) override {
    VAULTX_TRY(format::validate_secret_name(name_));
    audit::AuditEvent event{.op = "edit", .names = {name_}};
    VAULTX_ASSIGN(auto vault, ctx.unlock(event));
    const bool exists = vault->contains(name_);
    secure::SecretBytes original;
    if (exists) {
      VAULTX_ASSIGN(auto secret, ctx.record_if_failed(event, vault->get(name_)));
      original = std::move(secret.value);
    }
    VAULTX_ASSIGN(auto outcome, ctx.record_if_failed(event, edit(original)));
    if (outcome.interrupted_by != 0) {  // as a shell reports a process killed by that signal
      const Error stopped(Errc::failure, "interrupted by " + std::string(::sigabbrev_np(outcome.interrupted_by)) +
                                             ": the editor was stopped and its buffer removed; nothing was saved");
      (void)ctx.recorded(event, Status(stopped));
      print_error(stopped);
      return 128 + outcome.interrupted_by;
    }
    if (!outcome.changed) {
      ctx.record(event);  // the value was read all the same
      print_note(name_ + " is unchanged; nothing was written");
      return 0;
    }
    store::PutOptions options;
    VAULTX_TRY(ctx.recorded(event, vault->put(name_, outcome.value, options)));
    print_note((exists ? "updated " : "created ") + name_);
    return 0;
  }

 private:
  struct Edited {
    bool changed = false;
    int interrupted_by = 0;
    secure::SecretBytes value;
  };

  // Everything between blocking the signals and removing the buffer.
  Result<Edited> edit(const secure::SecretBytes& original) const {
    shell::sweep_stale_edit_dirs();
    const shell::SignalGuard guard;  // before the file exists: see editor.hpp
    const auto slash = name_.rfind('/');
    VAULTX_ASSIGN(auto dir, shell::EditDir::create(slash == std::string::npos ? name_ : name_.substr(slash + 1)));
    secure::SecretBytes contents = secure::SecretBytes::copy_of(original.span());
    // Editors end the last line with a newline; add one and drop one, as `set` does.
    if (!raw_) contents.append(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>("\n"), 1));  // NOLINT
    VAULTX_TRY(dir.write(contents));
    VAULTX_ASSIGN(auto outcome, shell::run_editor(shell::editor_command(), dir.file(), guard));
    if (outcome.interrupted_by != 0) return Edited{false, outcome.interrupted_by, {}};
    if (!outcome.succeeded()) {
      return Error(Errc::failure, "the editor " + outcome.describe() + "; nothing was saved",
                   "a failing editor (for example :cq in vim) discards the edit");
    }
    VAULTX_ASSIGN(auto after, dir.read(format::kMaxValueBytes + 1));
    dir.remove();
    if (after.equals(contents)) return Edited{};
    if (!raw_ && after.view().ends_with('\n')) after.truncate(after.size() - 1);
    if (after.equals(original)) return Edited{};
    return Edited{true, 0, std::move(after)};
  }

  std::string name_;
  bool raw_ = false;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::EditCommand)
