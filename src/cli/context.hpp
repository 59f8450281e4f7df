// What every command needs besides its own options: where the store and the
// state live, and how to unlock.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include <vaultx/crypto/kdf.hpp>
#include <vaultx/error.hpp>
#include <vaultx/store/store.hpp>

namespace vaultx::cli {

namespace fs = std::filesystem;

// Names of the environment variables of DESIGN.md.
namespace env {
inline constexpr const char* kStore = "VAULTX_STORE";
inline constexpr const char* kStateDir = "VAULTX_STATE_DIR";
inline constexpr const char* kPassphrase = "VAULTX_PASSPHRASE";
inline constexpr const char* kPassphraseFile = "VAULTX_PASSPHRASE_FILE";
inline constexpr const char* kNewPassphrase = "VAULTX_NEW_PASSPHRASE";
inline constexpr const char* kNewPassphraseFile = "VAULTX_NEW_PASSPHRASE_FILE";
inline constexpr const char* kIdentityFile = "VAULTX_IDENTITY_FILE";
inline constexpr const char* kAgentSock = "VAULTX_AGENT_SOCK";
}  // namespace env

class Context {
 public:
  explicit Context(CLI::App& root) : root_(root) {}

  // --store, set by main before a command runs.
  std::string store_option;

  [[nodiscard]] CLI::App& root_app() const { return root_; }
  [[nodiscard]] fs::path store_dir() const;
  [[nodiscard]] fs::path state_dir() const;

  Result<store::Store> open_store() const;
  // The unlock chain of DESIGN.md: agent, identity, passphrase file,
  // passphrase variable, terminal prompt. Errc::unlock naming every option
  // when none is available.
  Result<std::unique_ptr<store::SecretAccess>> unlock();
  // The same chain without the agent, for commands that need the master key
  // itself in this process (passwd, rekey).
  Result<store::Vault> unlock_vault();

  // A passphrase for a new store or a passphrase change: from the given
  // variables, else asked twice on the terminal.
  static Result<secure::SecretBytes> new_passphrase(const char* file_var, const char* value_var,
                                                    std::string_view prompt);

 private:
  CLI::App& root_;
};

// Parses --kdf-memory/--kdf-time/--kdf-parallelism into `params`.
struct KdfOptions {
  std::string memory;
  std::optional<std::uint32_t> time;
  std::optional<std::uint32_t> parallelism;

  void define(CLI::App& app);
  [[nodiscard]] bool any() const { return !memory.empty() || time || parallelism; }
  Result<crypto::KdfParams> apply(crypto::KdfParams params) const;
};

}  // namespace vaultx::cli
