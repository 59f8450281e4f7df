// What every command needs besides its own options: where the store and the
// state live, and how to unlock.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include <vaultx/agent/client.hpp>
#include <vaultx/audit/trail.hpp>
#include <vaultx/config/config.hpp>
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
inline constexpr const char* kIdentityPassphrase = "VAULTX_IDENTITY_PASSPHRASE";
inline constexpr const char* kIdentityPassphraseFile = "VAULTX_IDENTITY_PASSPHRASE_FILE";
inline constexpr const char* kAgentSock = "VAULTX_AGENT_SOCK";
inline constexpr const char* kAgentToken = "VAULTX_AGENT_TOKEN";
}  // namespace env

class Context {
 public:
  explicit Context(CLI::App& root) : root_(root) {}

  // --store, set by main before a command runs.
  std::string store_option;
  // exec: the words after `--`, exactly as typed (main keeps them from CLI11).
  std::vector<std::string> command_after_separator;
  bool has_separator = false;

  [[nodiscard]] CLI::App& root_app() const { return root_; }
  [[nodiscard]] fs::path store_dir() const;
  [[nodiscard]] fs::path state_dir() const;
  // ${XDG_CONFIG_HOME:-~/.config}/vaultx/identity: where `identity new` writes by default.
  [[nodiscard]] static fs::path default_identity_path();

  Result<store::Store> open_store() const;
  // The unlock chain of DESIGN.md: agent, identity, passphrase file,
  // passphrase variable, terminal prompt. Errc::unlock naming every option
  // when none is available. A failed attempt is recorded in the audit trail
  // as `attempt` with outcome failed and the reason ("wrong passphrase",
  // "no key source", ...); the plain form records it as op "unlock".
  Result<std::unique_ptr<store::SecretAccess>> unlock(const audit::AuditEvent& attempt);
  Result<std::unique_ptr<store::SecretAccess>> unlock();
  // For a process run by git (the textconv diff driver): the identity file,
  // passphrase file or passphrase variable, never a prompt (there is no
  // terminal under git) and never the agent (it cannot open an old version
  // of a file). nullptr when none of these is set. Nothing is recorded in the
  // audit trail: git runs this once per file of every diff.
  Result<std::unique_ptr<store::SecretAccess>> unlock_without_prompt();
  // The same chain without the agent, for commands that need the master key
  // itself in this process (passwd, rekey). A scoped identity is refused.
  Result<store::Vault> unlock_vault(const audit::AuditEvent& attempt);

  // The agent named by VAULTX_AGENT_SOCK, with the token of VAULTX_AGENT_TOKEN
  // if set (agent commands, unlock, lock). Errc::not_found if there is none.
  Result<agent::AgentConnection> connect_agent();
  // vaultx.toml for commands that need it: in a team store only the copy
  // accepted on this machine (else Errc::usage: pending, review with
  // 'vaultx scope sync'); in a single-user store the file as it is.
  Result<config::Config> load_config(const store::Store& store) const;

  // The store's passphrase for rewrapping its key file (rekey): the one
  // that unlocked this process if any, else from the usual sources.
  Result<secure::SecretBytes> store_passphrase(const store::Store& store);

  // Commits what this process wrote to the store, if it is a git work tree
  // ("vaultx: <op> (N secrets)"). Called by main once the command is done.
  Status commit_changes(const std::string& op);

  // The passphrase of an identity file (VAULTX_IDENTITY_PASSPHRASE_FILE,
  // VAULTX_IDENTITY_PASSPHRASE, else a prompt), never prompting if `prompt` is false.
  static Result<secure::SecretBytes> identity_passphrase(const std::string& path, bool prompt);

  // Appends `event` to the store's audit trail, stamped with the user, uid,
  // pid and time, and MAC'd with the audit key if this process unlocked the
  // store. A trail that cannot be written gives a warning on stderr and never
  // changes the command's outcome, exec included: refusing to work because
  // the log is full or damaged would turn the trail into a denial of service.
  //
  // exec and env record {.op = "exec" or "env", .scopes, .names (the secrets
  // injected)}, exec also .command (argv[0] only) and .status (the child's
  // exit status); a process replaced by execve records before it, without status.
  void record(audit::AuditEvent event);
  // After a rekey: later records are MAC'd with the new master key's audit key.
  void set_audit_key(std::optional<secure::SecretBytes> key) { audit_key_ = std::move(key); }

  // Records `event` with the outcome of `result` (ok, or failed with a short
  // reason from the error) and hands the result back:
  //   VAULTX_ASSIGN(auto secret, ctx.recorded(event, vault.get(name)));
  template <class T>
  Result<T> recorded(audit::AuditEvent event, Result<T> result) {
    record_outcome(std::move(event), result ? nullptr : &result.error());
    return result;
  }

  // Records `event` only if `result` is an error (then with outcome failed, or
  // denied for Errc::denied), for the steps before a multi-step command's
  // final record:  VAULTX_ASSIGN(auto store, ctx.record_if_failed(event, ctx.open_store()));
  template <class T>
  Result<T> record_if_failed(const audit::AuditEvent& event, Result<T> result) {
    if (!result) record_outcome(event, &result.error());
    return result;
  }

  // A passphrase for a new store or a passphrase change: from the given
  // variables, else asked twice on the terminal.
  static Result<secure::SecretBytes> new_passphrase(const char* file_var, const char* value_var,
                                                    std::string_view prompt);

 private:
  Result<store::Vault> unlock_store(const store::Store& store, std::string& failure_reason);
  // The first link of the unlock chain: the agent, if VAULTX_AGENT_SOCK names
  // one that is unlocked for this store and a token is set. nullptr (and a
  // note in agent_note_) means: fall back to the rest of the chain. A refusal
  // by the agent is an error, never a fallback.
  Result<std::unique_ptr<store::SecretAccess>> unlock_with_agent(const audit::AuditEvent& attempt);
  std::optional<secure::SecretBytes> agent_token();
  // VAULTX_IDENTITY_FILE: nullopt when it is not set.
  Result<std::optional<store::IdentityUnlock>> unlock_with_identity(const store::Store& store,
                                                                    std::string& failure_reason);
  Result<std::unique_ptr<store::SecretAccess>> unlock_access(const store::Store& store, std::string& failure_reason);
  // What a full unlock must pass before its key is used: the store is the
  // one known at this path, every recipient and scope key file is endorsed,
  // and the master key is the pinned one (or endorsed by rekey records).
  Status accept_vault(store::Vault& vault, std::string& failure_reason);
  void record_failed_unlock(const audit::AuditEvent& attempt, const std::string& reason);
  void record_outcome(audit::AuditEvent event, const Error* error);

  CLI::App& root_;
  // Set once a store is opened for unlocking; the key once it is unlocked.
  std::optional<format::StoreId> audit_store_id_;
  std::optional<secure::SecretBytes> audit_key_;
  // VAULTX_AGENT_TOKEN, taken out of the environment once.
  std::optional<secure::SecretBytes> agent_token_;
  bool agent_token_taken_ = false;
  std::string agent_note_;  // why the agent was not used ("agent locked", ...)
  bool may_prompt_ = true;   // false under git (unlock_without_prompt)
  // The passphrase that unlocked the store, kept for rekey only.
  std::optional<secure::SecretBytes> unlock_passphrase_;
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
