#include "context.hpp"

#include <cstdlib>

#include <vaultx/config/acceptance.hpp>
#include <vaultx/config/full_unlock.hpp>
#include <vaultx/format/identity.hpp>
#include <vaultx/format/units.hpp>
#include <vaultx/git/git.hpp>
#include <vaultx/secure/environment.hpp>
#include <vaultx/store/fs.hpp>
#include <vaultx/store/identity.hpp>
#include <vaultx/store/trust.hpp>

#include "output.hpp"
#include "terminal.hpp"

namespace vaultx::cli {

namespace {
std::optional<std::string> env_value(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

fs::path xdg_dir(const char* var, const char* fallback_under_home) {
  if (auto v = env_value(var); v && fs::path(*v).is_absolute()) return *v;
  const auto home = env_value("HOME");
  return fs::path(home.value_or("/")) / fallback_under_home;
}

Error no_unlock_source(const fs::path& store) {
  return Error(Errc::unlock,
               "cannot unlock the store at " + store.string() + ": no key source and no terminal to ask on",
               "set VAULTX_PASSPHRASE_FILE (a file holding the passphrase) or VAULTX_PASSPHRASE, "
               "VAULTX_IDENTITY_FILE for an identity, or start an agent (VAULTX_AGENT_SOCK)");
}

// A short, fixed reason for the audit trail: the error's message can be long
// and names paths, which the trail does not need.
std::string reason_for(const Error& error) {
  switch (error.code) {
    case Errc::failure: return "failure";
    case Errc::usage: return "usage";
    case Errc::unlock: return "cannot unlock";
    case Errc::integrity: return "integrity check failed";
    case Errc::not_found: return "not found";
    case Errc::exists: return "exists";
    case Errc::denied: return "denied";
  }
  return "failure";
}

Error empty_passphrase() {
  return Error(Errc::usage, "the passphrase is empty", "choose a passphrase of at least one character");
}
}  // namespace

fs::path Context::store_dir() const {
  if (!store_option.empty()) return fs::absolute(store_option);
  if (auto v = env_value(env::kStore)) return fs::absolute(*v);
  return xdg_dir("XDG_DATA_HOME", ".local/share") / "vaultx";
}

fs::path Context::state_dir() const {
  if (auto v = env_value(env::kStateDir)) return fs::absolute(*v);
  return xdg_dir("XDG_STATE_HOME", ".local/state") / "vaultx";
}

fs::path Context::default_identity_path() { return xdg_dir("XDG_CONFIG_HOME", ".config") / "vaultx" / "identity"; }

Result<store::Store> Context::open_store() const {
  VAULTX_ASSIGN(auto store, store::Store::open(store_dir()));
  store.track_versions(state_dir());
  store.cache_listings(state_dir());
  return store;
}

Result<store::Vault> Context::unlock_store(const store::Store& store, std::string& failure_reason) {
  std::optional<secure::SecretBytes> passphrase;
  failure_reason = "cannot read the passphrase";
  if (auto file = env_value(env::kPassphraseFile)) {
    VAULTX_ASSIGN(passphrase, secure::read_passphrase_file(*file));
  } else if (auto value = secure::take_environment_secret(env::kPassphrase)) {
    passphrase = std::move(value);
  } else {
    if (may_prompt_) {
      VAULTX_ASSIGN(passphrase, prompt_hidden("Passphrase for " + store.paths().root.string() + ": "));
    }
    if (!passphrase) {
      failure_reason = agent_note_.empty() ? "no key source" : agent_note_;
      Error e = no_unlock_source(store.paths().root);
      if (!agent_note_.empty()) e.message += " (" + agent_note_ + ")";
      return e;
    }
  }
  auto vault = store.unlock_with_passphrase(*passphrase);
  if (!vault) failure_reason = vault.error().code == Errc::unlock ? "wrong passphrase" : reason_for(vault.error());
  if (vault) unlock_passphrase_ = std::move(passphrase);
  return vault;
}

Result<secure::SecretBytes> Context::identity_passphrase(const std::string& path, bool prompt) {
  if (auto file = env_value(env::kIdentityPassphraseFile)) {
    auto pass = secure::read_passphrase_file(*file);
    if (!pass) {
      return Error(Errc::unlock, "cannot read the identity passphrase file " + *file + " (VAULTX_IDENTITY_PASSPHRASE_FILE)",
                   "check the file, or use VAULTX_IDENTITY_PASSPHRASE");
    }
    return std::move(*pass);
  }
  if (auto value = secure::take_environment_secret(env::kIdentityPassphrase)) return std::move(*value);
  if (prompt) {
    VAULTX_ASSIGN(auto typed, prompt_hidden("Passphrase for identity " + path + ": "));
    if (typed) return std::move(*typed);
  }
  return Error(Errc::unlock, "identity file " + path + " is protected by a passphrase, and there is none to use",
               "set VAULTX_IDENTITY_PASSPHRASE_FILE (a file holding it) or VAULTX_IDENTITY_PASSPHRASE, or run on a "
               "terminal");
}

Result<std::optional<store::IdentityUnlock>> Context::unlock_with_identity(const store::Store& store,
                                                                          std::string& failure_reason) {
  using Out = std::optional<store::IdentityUnlock>;
  const auto path = env_value(env::kIdentityFile);
  if (!path) return Out();
  failure_reason = "cannot read the identity";
  VAULTX_ASSIGN(auto identity, store::load_identity(*path, [&] { return identity_passphrase(*path, may_prompt_); }));
  auto unlocked = store.unlock_with_identity(identity);
  if (!unlocked) {
    failure_reason = unlocked.error().code == Errc::unlock ? "identity not accepted" : reason_for(unlocked.error());
    return std::move(unlocked).error();
  }
  return Out(std::move(*unlocked));
}

Status Context::accept_vault(store::Vault& vault, std::string& failure_reason) {
  if (auto accepted = config::accept_full_unlock(vault, state_dir()); !accepted) {
    failure_reason = reason_for(accepted.error());
    return accepted;
  }
  audit_key_ = vault.audit_key();
  return {};
}

Result<config::Config> Context::load_config(const store::Store& store) const {
  return config::load_store_config(store, state_dir());
}

Result<std::unique_ptr<store::SecretAccess>> Context::unlock_access(const store::Store& store,
                                                                   std::string& failure_reason) {
  VAULTX_ASSIGN(auto identity, unlock_with_identity(store, failure_reason));
  if (identity && identity->index() == 1) {
    return std::unique_ptr<store::SecretAccess>(std::make_unique<store::ScopedVault>(std::get<1>(std::move(*identity))));
  }
  std::optional<store::Vault> vault;
  if (identity) {
    vault.emplace(std::get<0>(std::move(*identity)));
  } else {
    VAULTX_ASSIGN(vault, unlock_store(store, failure_reason));
  }
  VAULTX_TRY(accept_vault(*vault, failure_reason));
  return std::unique_ptr<store::SecretAccess>(std::make_unique<store::Vault>(std::move(*vault)));
}

void Context::record_failed_unlock(const audit::AuditEvent& attempt, const std::string& reason) {
  audit::AuditEvent event = attempt;
  event.outcome = format::AuditOutcome::failed;
  event.reason = reason;
  record(std::move(event));
}

Result<std::unique_ptr<store::SecretAccess>> Context::unlock(const audit::AuditEvent& attempt) {
  VAULTX_ASSIGN(auto via_agent, unlock_with_agent(attempt));
  if (via_agent) return via_agent;
  VAULTX_ASSIGN(auto store, open_store());
  audit_store_id_ = store.header().store_id;
  std::string failure_reason;
  auto access = unlock_access(store, failure_reason);
  if (!access) record_failed_unlock(attempt, failure_reason);
  return access;
}

Result<std::unique_ptr<store::SecretAccess>> Context::unlock_without_prompt() {
  if (!env_value(env::kIdentityFile) && !env_value(env::kPassphraseFile) && !env_value(env::kPassphrase)) {
    return std::unique_ptr<store::SecretAccess>();
  }
  may_prompt_ = false;
  VAULTX_ASSIGN(auto store, open_store());
  std::string failure_reason;
  return unlock_access(store, failure_reason);
}

Result<store::Vault> Context::unlock_vault(const audit::AuditEvent& attempt) {
  VAULTX_ASSIGN(auto store, open_store());
  audit_store_id_ = store.header().store_id;
  std::string failure_reason;
  auto access = unlock_access(store, failure_reason);
  if (access && dynamic_cast<store::Vault*>(access->get()) == nullptr) {
    const auto* scoped = dynamic_cast<const store::ScopedVault*>(access->get());
    failure_reason = "scoped identity";
    access = Error(Errc::unlock,
                   "this command needs the master key, and the identity in VAULTX_IDENTITY_FILE is the scoped "
                   "recipient '" + (scoped != nullptr ? scoped->recipient() : std::string("?")) + "'",
                   "run it as a full recipient (an identity added without --scope, or the passphrase)");
  }
  if (!access) {
    record_failed_unlock(attempt, failure_reason);
    return std::move(access).error();
  }
  return std::move(*dynamic_cast<store::Vault*>(access->get()));
}

Result<std::unique_ptr<store::SecretAccess>> Context::unlock() { return unlock(audit::AuditEvent{.op = "unlock"}); }

// ---------------------------------------------------------------- the agent

std::optional<secure::SecretBytes> Context::agent_token() {
  if (!agent_token_taken_) {
    agent_token_ = secure::take_environment_secret(env::kAgentToken);
    agent_token_taken_ = true;
  }
  if (!agent_token_) return std::nullopt;
  return secure::SecretBytes::copy_of(agent_token_->span());
}

Result<agent::AgentConnection> Context::connect_agent() {
  const auto socket = env_value(env::kAgentSock);
  if (!socket) {
    return Error(Errc::not_found, "VAULTX_AGENT_SOCK is not set: there is no agent to talk to",
                 "start one with: eval \"$(vaultx agent start)\"");
  }
  return agent::AgentConnection::open(*socket, agent_token());
}

Result<std::unique_ptr<store::SecretAccess>> Context::unlock_with_agent(const audit::AuditEvent& attempt) {
  const auto socket = env_value(env::kAgentSock);
  if (!socket) return std::unique_ptr<store::SecretAccess>();
  auto connection = agent::AgentConnection::open(*socket, agent_token());
  if (!connection) {
    agent_note_ = "no agent at VAULTX_AGENT_SOCK";
    return std::unique_ptr<store::SecretAccess>();
  }
  // The agent is asked before the store is opened: a refusal (another user)
  // is reported as such even where the store cannot be read.
  auto status = connection->status();
  if (!status) {
    if (status.error().code != Errc::denied) {
      agent_note_ = "the agent did not answer";
      return std::unique_ptr<store::SecretAccess>();
    }
    return record_if_failed(attempt, Result<std::unique_ptr<store::SecretAccess>>(std::move(status).error()));
  }
  if (!status->unlocked) {
    agent_note_ = "agent locked";
    return std::unique_ptr<store::SecretAccess>();
  }
  VAULTX_ASSIGN(auto store, record_if_failed(attempt, open_store()));
  if (status->store_id != store.header().store_id) {
    agent_note_ = "the agent serves another store";
    return std::unique_ptr<store::SecretAccess>();
  }
  if (!connection->has_token()) {
    agent_note_ = "VAULTX_AGENT_TOKEN not set";
    return std::unique_ptr<store::SecretAccess>();
  }
  audit_store_id_ = store.header().store_id;
  return std::unique_ptr<store::SecretAccess>(
      std::make_unique<agent::AgentClient>(std::move(store), std::move(*connection)));
}

Result<secure::SecretBytes> Context::store_passphrase(const store::Store& store) {
  if (unlock_passphrase_) {
    secure::SecretBytes out = std::move(*unlock_passphrase_);
    unlock_passphrase_.reset();
    return out;
  }
  if (auto file = env_value(env::kPassphraseFile)) return secure::read_passphrase_file(*file);
  if (auto value = secure::take_environment_secret(env::kPassphrase)) return std::move(*value);
  VAULTX_ASSIGN(auto typed, prompt_hidden("Passphrase for " + store.paths().root.string() + ": "));
  if (!typed) {
    return Error(Errc::unlock, "the store's passphrase is needed to rewrap keys/passphrase.key",
                 "set VAULTX_PASSPHRASE_FILE or VAULTX_PASSPHRASE, or run on a terminal");
  }
  return std::move(*typed);
}

Status Context::commit_changes(const std::string& op) {
  const auto& changed = store::changed_paths();
  if (changed.empty()) return {};
  const fs::path root = store_dir();
  if (!git::enabled(root)) return {};
  VAULTX_ASSIGN(auto outcome, git::commit_changes(root, op, changed));
  if (outcome.staged_for_merge) {
    print_warning("a git merge is in progress: the change is staged, not committed; conclude the merge with "
                  "'vaultx git commit'");
  }
  return {};
}

void Context::record(audit::AuditEvent event) {
  if (!audit_store_id_) {
    auto store = open_store();
    if (!store) {
      print_warning("not recorded in the audit trail: " + store.error().message);
      return;
    }
    audit_store_id_ = store->header().store_id;
  }
  audit::stamp(event);
  const auto trail = audit::AuditTrail::for_store(state_dir(), *audit_store_id_);
  auto appended = trail.append(event, audit_key_ ? &*audit_key_ : nullptr);
  if (!appended) {
    print_warning("the audit trail could not be written: " + appended.error().message);
    if (!appended.error().hint.empty()) print_warning(appended.error().hint);
  }
}

void Context::record_outcome(audit::AuditEvent event, const Error* error) {
  if (error != nullptr) {
    event.outcome = error->code == Errc::denied ? format::AuditOutcome::denied : format::AuditOutcome::failed;
    event.reason = reason_for(*error);
  }
  record(std::move(event));
}

Result<secure::SecretBytes> Context::new_passphrase(const char* file_var, const char* value_var,
                                                    std::string_view prompt) {
  std::optional<secure::SecretBytes> pass;
  if (auto file = env_value(file_var)) {
    VAULTX_ASSIGN(pass, secure::read_passphrase_file(*file));
  } else if (auto value = secure::take_environment_secret(value_var)) {
    pass = std::move(value);
  } else {
    VAULTX_ASSIGN(pass, prompt_hidden_twice(prompt, "passphrase"));
    if (!pass) {
      return Error(Errc::unlock, "no passphrase given and no terminal to ask on",
                   std::string("set ") + file_var + " (a file holding the passphrase) or " + value_var);
    }
  }
  if (pass->empty()) return empty_passphrase();
  return std::move(*pass);
}

void KdfOptions::define(CLI::App& app) {
  app.add_option("--kdf-memory", memory, "Argon2id memory, with K, M or G suffix (default 64M; 8M..4G)")
      ->type_name("SIZE");
  app.add_option("--kdf-time", time, "Argon2id passes (default 3; 1..16)")->type_name("N");
  app.add_option("--kdf-parallelism", parallelism, "Argon2id lanes (default 4; 1..16)")->type_name("N");
}

Result<crypto::KdfParams> KdfOptions::apply(crypto::KdfParams params) const {
  if (!memory.empty()) {
    const auto kib = format::parse_size_kib(memory);
    if (!kib) {
      return Error(Errc::usage, "--kdf-memory '" + memory + "' is not a size", "write it like 64M, 512M or 1G");
    }
    params.memory_kib = *kib;
  }
  if (time) params.time = *time;
  if (parallelism) params.parallelism = *parallelism;
  switch (crypto::check_kdf_bounds(params)) {
    case crypto::KdfBound::ok: return params;
    case crypto::KdfBound::below_floor:
    case crypto::KdfBound::above_ceiling: break;
  }
  return Error(Errc::usage,
               "KDF parameters m=" + std::to_string(params.memory_kib) + "K t=" + std::to_string(params.time) +
                   " p=" + std::to_string(params.parallelism) + " are out of range",
               "--kdf-memory 8M..4G, --kdf-time 1..16, --kdf-parallelism 1..16");
}

}  // namespace vaultx::cli
