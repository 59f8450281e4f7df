// What `vaultx exec --broker` and `vaultx broker` share: the routes of the
// requested scopes with their rendered header values, the broker's audit
// records, and the check against the agent that ends brokered access on a
// `vaultx lock` or a revoked grant. docs/broker.md describes both commands.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <vaultx/audit/trail.hpp>
#include <vaultx/broker/broker.hpp>
#include <vaultx/config/config.hpp>
#include <vaultx/error.hpp>
#include <vaultx/exec/scope_secrets.hpp>
#include <vaultx/secure/secret_bytes.hpp>
#include <vaultx/store/store.hpp>

namespace vaultx::cli {

class Context;

// The routes of `scopes`, each with its real header value and a fresh
// placeholder. Errc::usage if the scopes have no route, or a route injects a
// secret its scope did not give.
Result<std::vector<broker::RouteSetup>> broker_routes(const config::Config& config,
                                                      const std::vector<std::string>& scopes,
                                                      const std::vector<exec::ScopeSecret>& secrets);

// What the audit trail keeps of one brokered request: never a header or a body.
audit::AuditEvent broker_event(const broker::RequestRecord& record);

// A running broker whose request records go to the audit trail of `ctx`.
class BrokerSession {
 public:
  // A variable a client of the broker gets: a route's base_url_env with the
  // broker's URL, or its placeholder_env with the placeholder.
  struct Variable {
    std::string name;
    secure::SecretBytes value;
  };
  struct RouteInfo {
    std::string name;
    std::string scope;
    std::string upstream;  // as written in vaultx.toml
    std::string url;       // http://127.0.0.1:PORT/NAME
    std::string base_url_env;
    std::string placeholder_env;
  };

  // Starts the broker for `routes`. When `vault` is the agent, access is
  // checked against it while the broker runs: a lock or a revoked grant cuts
  // every connection at once. `ctx` must outlive the session.
  static Result<std::unique_ptr<BrokerSession>> start(Context& ctx, const store::SecretAccess& vault,
                                                      std::vector<broker::RouteSetup> routes);
  ~BrokerSession();
  BrokerSession(const BrokerSession&) = delete;
  BrokerSession& operator=(const BrokerSession&) = delete;

  // For each route, in the order of vaultx.toml: its base_url_env, then its placeholder_env.
  [[nodiscard]] const std::vector<Variable>& variables() const { return variables_; }
  [[nodiscard]] const std::vector<RouteInfo>& routes() const { return routes_; }
  // The secrets the routes inject: only the broker holds them.
  [[nodiscard]] const std::vector<std::string>& brokered() const { return brokered_; }
  // Whether the access check failed (the broker then refuses everything).
  [[nodiscard]] bool access_lost() const { return broker_ && broker_->access_lost(); }
  // Appends `event` to the trail, never at the same time as a request record.
  void record(audit::AuditEvent event);
  // Ends every connection and writes the last request records. Idempotent.
  void stop();

 private:
  explicit BrokerSession(Context& ctx) : ctx_(ctx) {}

  Context& ctx_;
  std::mutex record_mutex_;  // the broker records from a thread of its own
  std::vector<Variable> variables_;
  std::vector<RouteInfo> routes_;
  std::vector<std::string> brokered_;
  std::unique_ptr<broker::Broker> broker_;  // last: stopped before the rest goes
};

}  // namespace vaultx::cli
