// vaultx unlock: give the agent (VAULTX_AGENT_SOCK) the passphrase once; it
// unlocks the store and keeps the keys until `vaultx lock`, its idle timeout
// or its maximum lifetime.
#include "command.hpp"
#include "context.hpp"
#include "terminal.hpp"

#include <cstdlib>

#include <vaultx/secure/environment.hpp>

namespace vaultx::cli {
namespace {

// The passphrase from the unlock chain without the agent itself:
// VAULTX_PASSPHRASE_FILE, VAULTX_PASSPHRASE, else the terminal.
Result<secure::SecretBytes> agent_passphrase(const std::string& store) {
  std::optional<secure::SecretBytes> passphrase;
  if (const char* file = std::getenv(env::kPassphraseFile); file != nullptr && *file != '\0') {
    VAULTX_ASSIGN(passphrase, secure::read_passphrase_file(file));
  } else if (auto value = secure::take_environment_secret(env::kPassphrase)) {
    passphrase = std::move(value);
  } else {
    VAULTX_ASSIGN(passphrase, prompt_hidden("Passphrase for " + store + " (for the agent): "));
    if (!passphrase) {
      return Error(Errc::unlock, "no passphrase to give the agent, and no terminal to ask on",
                   "run 'vaultx unlock' on a terminal, or set VAULTX_PASSPHRASE_FILE");
    }
  }
  if (passphrase->empty()) return Error(Errc::unlock, "the passphrase is empty");
  return std::move(*passphrase);
}

class UnlockCommand final : public Command {
 public:
  std::string name() const override { return "unlock"; }
  std::string summary() const override { return "Give the agent the passphrase once; it keeps the keys"; }
  std::string group() const override { return "Agent"; }

  void define(CLI::App&) override {}

  Result<int> run(Context& ctx) override {
    VAULTX_ASSIGN(auto connection, ctx.connect_agent());
    VAULTX_ASSIGN(const auto status, connection.status());
    VAULTX_ASSIGN(auto passphrase, agent_passphrase(status.store_path));
    VAULTX_TRY(connection.unlock(passphrase));
    return 0;
  }
};

}  // namespace
}  // namespace vaultx::cli

VAULTX_REGISTER_COMMAND(vaultx::cli::UnlockCommand)
