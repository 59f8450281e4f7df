// The agent daemon: holds one store's keys in guarded memory after `vaultx
// unlock`, answers requests on its socket (docs/agent-protocol.md), and
// forgets the keys on `vaultx lock`, after an idle timeout, or at the end of
// its maximum lifetime.
//
// Who may ask what:
//   - only processes of the agent's own uid (SO_PEERCRED); others are refused
//     and recorded in the audit trail;
//   - status and lock: any of them;
//   - everything else needs a token: the owner token printed by `agent start`
//     allows every request; a granted token allows only reads of its scopes,
//     within its TTL, uses and rate.
// The master key never leaves the agent: it decrypts and returns only the
// values a request may have.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include <vaultx/agent/grants.hpp>
#include <vaultx/agent/transport.hpp>
#include <vaultx/error.hpp>
#include <vaultx/store/store.hpp>

namespace vaultx::agent {

struct AgentOptions {
  fs::path state_dir;                       // where the audit trail lives
  fs::path socket_path;
  std::optional<fs::path> socket_directory; // removed on exit (a temporary directory the agent made)
  std::int64_t idle_timeout_seconds = 15 * 60;
  std::int64_t max_lifetime_seconds = 8 * 3600;
  bool foreground = false;                  // warnings go to stderr
};

// Serves `store` on `listener` until a stop request or SIGTERM, SIGINT or
// SIGHUP; then wipes the keys and removes the socket. `grants` already holds
// the owner token.
Status run_agent(const AgentOptions& options, store::Store store, Fd listener, GrantTable grants);

}  // namespace vaultx::agent
