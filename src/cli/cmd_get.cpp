// vaultx get NAME [--raw] [--clip [--clear-after DURATION]]: print a value,
// or put it on the clipboard and clear it after a delay.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <vaultx/format/names.hpp>
#include <vaultx/format/units.hpp>
#include <vaultx/shell/clipboard.hpp>

namespace vaultx::cli {
namespace {

class GetCommand final : public Command {
 public:
  std::string name() const override { return "get"; }
  std::string summary() const override { return "Print a secret's value followed by a newline"; }

  void define(CLI::App& app) override {
    app.add_option("NAME", name_, "Secret name")->required();
    app.add_flag("--raw", raw_, "Print the exact stored bytes, without a trailing newline");
    app.add_flag("-c,--clip", clip_, "Copy the value to the clipboard (wl-copy or xclip) instead of printing it");
    app.add_option("--clear-after", clear_after_, "With --clip: clear the clipboard after this long, if it still "
                                                  "holds the value (default 45s; 0s: never)")
        ->type_name("DURATION");
  }

  Result<int> run(Context& ctx) override {
    VAULTX_TRY(format::validate_secret_name(name_));
    std::optional<shell::ClipboardTool> tool;
    std::int64_t clear_seconds = 0;
    if (clip_) {  // before unlocking: a missing tool should not cost a KDF run
      VAULTX_ASSIGN(tool, shell::find_clipboard_tool());
      const auto seconds = format::parse_duration(clear_after_);
      if (!seconds) {
        return Error(Errc::usage, "--clear-after: '" + clear_after_ + "' is not a duration",
                     "give a number with s, m, h or d: 45s, 2m");
      }
      clear_seconds = *seconds;
    } else if (!clear_after_.empty() && clear_after_ != "45s") {
      return Error(Errc::usage, "--clear-after applies only with --clip");
    }
    const audit::AuditEvent event{.op = "get", .names = {name_}};
    VAULTX_ASSIGN(auto vault, ctx.unlock(event));
    VAULTX_ASSIGN(auto secret, ctx.recorded(event, vault->get(name_)));
    if (tool) {
      vault.reset();  // wipes the key: the clearer below is a fork of this process
      VAULTX_TRY(shell::copy_to_clipboard(*tool, secret.value));
      if (clear_seconds > 0) {
        VAULTX_TRY(shell::spawn_clipboard_clearer(*tool, std::move(secret.value), clear_seconds));
        print_note("copied " + name_ + " to the clipboard (" + shell::clipboard_tool_name(*tool) +
                   "); it will be cleared in " + clear_after_ + " if it still holds the value");
      } else {
        print_note("copied " + name_ + " to the clipboard (" + shell::clipboard_tool_name(*tool) + ")");
      }
      return 0;
    }
    VAULTX_TRY(write_stdout(secret.value.view()));
    if (!raw_) VAULTX_TRY(write_stdout("\n"));
    return 0;
  }

 private:
  std::string name_;
  bool raw_ = false;
  bool clip_ = false;
  std::string clear_after_ = "45s";
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::GetCommand)
