// vaultx identity: X25519 identities, for team members, CI jobs and agent hosts.
//   vaultx identity new [--out FILE] [--passphrase]   create one; the public key is the last line printed
//   vaultx identity pub [FILE]                        print the public key of an identity file
// An identity unlocks a store through VAULTX_IDENTITY_FILE once a full
// recipient has added its public key with `vaultx recipients add`.
#include "command.hpp"
#include "context.hpp"
#include "output.hpp"

#include <vaultx/format/identity.hpp>
#include <vaultx/store/identity.hpp>

namespace vaultx::cli {
namespace {

class IdentityCommand final : public Command {
 public:
  std::string name() const override { return "identity"; }
  std::string summary() const override { return "Create an X25519 identity, or print its public key"; }
  std::string group() const override { return "Team"; }

  void define(CLI::App& app) override {
    new_ = app.add_subcommand("new", "Create an identity file (0600); prints its public key on the last line");
    new_->add_option("--out", out_, "Identity file to create (default ~/.config/vaultx/identity)")->type_name("FILE");
    new_->add_flag("--passphrase", passphrase_,
                   "Protect the secret key with a passphrase (VAULTX_IDENTITY_PASSPHRASE_FILE, "
                   "VAULTX_IDENTITY_PASSPHRASE, or asked twice)");
    kdf_.define(*new_);
    pub_ = app.add_subcommand("pub", "Print the public key of an identity file (no passphrase needed)");
    pub_->add_option("FILE", file_, "Identity file (default VAULTX_IDENTITY_FILE, else ~/.config/vaultx/identity)");
    for (auto* sub : {new_, pub_}) sub->group("Subcommands");
    app.require_subcommand(1, 1);
  }

  Result<int> run(Context& /*ctx*/) override {
    if (new_->parsed()) return create();
    const fs::path path = !file_.empty() ? fs::path(file_) : default_file();
    VAULTX_ASSIGN(auto key, store::read_identity_public_key(path));
    VAULTX_TRY(write_stdout(format::public_key_text(key) + "\n"));
    return 0;
  }

 private:
  static fs::path default_file() {
    const char* v = std::getenv(env::kIdentityFile);
    if (v != nullptr && *v != '\0') return v;
    return Context::default_identity_path();
  }

  Result<int> create() {
    if (!passphrase_ && kdf_.any()) {
      return Error(Errc::usage, "--kdf-memory, --kdf-time and --kdf-parallelism apply only with --passphrase",
                   "add --passphrase, or drop them");
    }
    const fs::path path = !out_.empty() ? fs::path(out_) : Context::default_identity_path();
    VAULTX_ASSIGN(auto params, kdf_.apply(crypto::KdfParams{}));
    std::optional<secure::SecretBytes> passphrase;
    if (passphrase_) {
      VAULTX_ASSIGN(passphrase, Context::new_passphrase(env::kIdentityPassphraseFile, env::kIdentityPassphrase,
                                                        "Passphrase for the new identity: "));
    }
    VAULTX_ASSIGN(auto key, store::create_identity(path, passphrase ? &*passphrase : nullptr, params));
    VAULTX_TRY(write_stdout("created identity " + path.string() + (passphrase_ ? " (passphrase-protected)" : "") +
                            "\npublic key (give it to a member with 'vaultx recipients add'):\n" +
                            format::public_key_text(key) + "\n"));
    return 0;
  }

  CLI::App* new_ = nullptr;
  CLI::App* pub_ = nullptr;
  std::string out_;
  std::string file_;
  bool passphrase_ = false;
  KdfOptions kdf_;
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::IdentityCommand)
