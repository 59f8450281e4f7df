// vaultx init: create a store with one passphrase recipient.
#include "command.hpp"
#include "context.hpp"

#include <filesystem>

#include <vaultx/git/git.hpp>

namespace vaultx::cli {
namespace {

class InitCommand final : public Command {
 public:
  std::string name() const override { return "init"; }
  std::string summary() const override { return "Create a new store (refuses if one exists)"; }
  std::string group() const override { return "Store"; }

  void define(CLI::App& app) override {
    kdf_.define(app);
    app.add_flag("--git", git_, "Keep the store in git: git init, the diff driver, and a commit per write");
  }

  Result<int> run(Context& ctx) override {
    VAULTX_ASSIGN(auto params, kdf_.apply(crypto::KdfParams{}));
    const auto dir = ctx.store_dir();
    if (auto existing = store::Store::open(dir); existing) {
      return Error(Errc::exists, "a vaultx store already exists at " + dir.string(),
                   "use it as it is, or choose another directory with --store");
    }
    VAULTX_ASSIGN(auto passphrase, Context::new_passphrase(env::kPassphraseFile, env::kPassphrase,
                                                           "New passphrase for " + dir.string() + ": "));
    VAULTX_TRY(store::Store::create(dir, passphrase, params));
    // Not MAC'd: init does not unlock. The first MAC'd record covers it.
    ctx.record(audit::AuditEvent{.op = "init"});
    if (git_) {
      std::error_code ec;
      const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
      VAULTX_TRY(git::setup(dir, (ec ? std::string("vaultx") : self.string()) + " git textconv"));
    }
    return 0;
  }

 private:
  KdfOptions kdf_;
  bool git_ = false;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::InitCommand)
