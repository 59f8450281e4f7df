#include "context.hpp"

#include <cstdlib>

#include <vaultx/format/units.hpp>
#include <vaultx/secure/environment.hpp>

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

Result<store::Store> Context::open_store() const {
  VAULTX_ASSIGN(auto store, store::Store::open(store_dir()));
  store.track_versions(state_dir());
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
    VAULTX_ASSIGN(passphrase, prompt_hidden("Passphrase for " + store.paths().root.string() + ": "));
    if (!passphrase) {
      failure_reason = agent_note_.empty() ? "no key source" : agent_note_;
      Error e = no_unlock_source(store.paths().root);
      if (!agent_note_.empty()) e.message += " (" + agent_note_ + ")";
      return e;
    }
  }
  auto vault = store.unlock_with_passphrase(*passphrase);
  if (!vault) failure_reason = vault.error().code == Errc::unlock ? "wrong passphrase" : reason_for(vault.error());
  return vault;
}

Result<std::unique_ptr<store::SecretAccess>> Context::unlock(const audit::AuditEvent& attempt) {
  VAULTX_ASSIGN(auto via_agent, unlock_with_agent(attempt));
  if (via_agent) return via_agent;
  VAULTX_ASSIGN(auto vault, unlock_vault(attempt));
  return std::unique_ptr<store::SecretAccess>(std::make_unique<store::Vault>(std::move(vault)));
}

Result<store::Vault> Context::unlock_vault(const audit::AuditEvent& attempt) {
  VAULTX_ASSIGN(auto store, open_store());
  audit_store_id_ = store.header().store_id;
  std::string failure_reason;
  auto vault = unlock_store(store, failure_reason);
  if (!vault) {
    audit::AuditEvent event = attempt;
    event.outcome = format::AuditOutcome::failed;
    event.reason = failure_reason;
    record(std::move(event));
    return vault;
  }
  audit_key_ = vault->audit_key();
  return vault;
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
