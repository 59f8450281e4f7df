// Talking to a running agent: AgentConnection sends one request at a time and
// turns the agent's answers into values or typed errors; AgentClient is the
// SecretAccess that commands use when the agent unlocks for them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <vaultx/agent/grants.hpp>
#include <vaultx/agent/transport.hpp>
#include <vaultx/error.hpp>
#include <vaultx/exec/scope_secrets.hpp>
#include <vaultx/format/agent_protocol.hpp>
#include <vaultx/store/store.hpp>

namespace vaultx::agent {

struct AgentStatus {
  bool unlocked = false;
  std::uint64_t pid = 0;
  std::string store_path;
  std::optional<format::StoreId> store_id;
  std::optional<std::uint64_t> idle_left;      // seconds until the idle timeout locks it
  std::optional<std::uint64_t> lifetime_left;  // seconds until the maximum lifetime locks it
  std::optional<bool> token_live;              // whether the token sent is valid (absent: none sent)
  std::vector<GrantInfo> grants;               // only for the owner token
};

class AgentConnection {
 public:
  // Connects to the socket; Errc::not_found if no agent listens there.
  // `token` (VAULTX_AGENT_TOKEN) goes with every request that needs one.
  static Result<AgentConnection> open(const fs::path& socket, std::optional<secure::SecretBytes> token);

  [[nodiscard]] bool has_token() const { return token_.has_value(); }
  [[nodiscard]] const fs::path& socket() const { return socket_; }

  Result<AgentStatus> status();
  Status unlock(const secure::SecretBytes& passphrase);
  Status lock();
  Status stop();
  Result<Issued> grant(const GrantSpec& spec);
  // Revokes one grant by id, or every grant (nullopt); returns how many.
  Result<std::uint64_t> revoke(const std::optional<std::string>& id);

  Result<store::Secret> get(const format::StoreId& store, std::string_view name);
  Result<store::Listing> list(const format::StoreId& store, std::string_view prefix);
  Result<bool> contains(const format::StoreId& store, std::string_view name);
  Result<store::PutOutcome> put(const format::StoreId& store, std::string_view name, const secure::SecretBytes& value,
                                const store::PutOptions& options);
  Status remove(const format::StoreId& store, std::string_view name);
  Status rename(const format::StoreId& store, std::string_view from, std::string_view to, bool overwrite);
  // The secrets of `scopes`, resolved by the agent from the store's vaultx.toml.
  Result<std::vector<exec::ScopeSecret>> scope_values(const format::StoreId& store,
                                                      const std::vector<std::string>& scopes);

 private:
  struct Reply {
    secure::SecretBytes body;
    format::AgentFrame frame;  // views into body
  };

  AgentConnection(Fd fd, fs::path socket, std::optional<secure::SecretBytes> token)
      : fd_(std::move(fd)), socket_(std::move(socket)), token_(std::move(token)) {}
  Result<Reply> call(format::AgentWriter request, format::AgentMessage expected);
  // A request that needs a token, with the token as its first field.
  Result<format::AgentWriter> with_token(format::AgentMessage type) const;
  static format::AgentWriter with_store(format::AgentWriter w, const format::StoreId& store);

  Fd fd_;
  fs::path socket_;
  std::optional<secure::SecretBytes> token_;
};

// A store unlocked by the agent: every call is a request over the socket; the
// master key never leaves the agent, and no audit key is held here.
class AgentClient final : public store::SecretAccess {
 public:
  AgentClient(store::Store store, AgentConnection connection)
      : store_(std::move(store)), connection_(std::move(connection)) {}

  [[nodiscard]] const store::Store& store() const override { return store_; }
  Result<store::Secret> get(std::string_view name) const override;
  Result<store::Listing> list(std::string_view prefix) const override;
  [[nodiscard]] bool contains(std::string_view name) const override;
  Result<store::PutOutcome> put(std::string_view name, const secure::SecretBytes& value,
                                const store::PutOptions& options) override;
  Status remove(std::string_view name) override;
  Status rename(std::string_view from, std::string_view to, bool overwrite) override;
  [[nodiscard]] std::optional<secure::SecretBytes> audit_key() const override { return std::nullopt; }

  Result<std::vector<exec::ScopeSecret>> scope_values(const std::vector<std::string>& scopes) const;

 private:
  store::Store store_;
  mutable AgentConnection connection_;
};

// The secrets of `scopes` through whatever unlocked the store: the agent
// resolves them itself (a token holder cannot list beyond its scope), any
// other access resolves them here (exec::load_scope_secrets).
Result<std::vector<exec::ScopeSecret>> load_scope_secrets(const store::SecretAccess& access,
                                                          const config::Config& config,
                                                          const std::vector<std::string>& scopes);

}  // namespace vaultx::agent
