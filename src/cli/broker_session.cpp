#include "broker_session.hpp"

#include <algorithm>

#include <vaultx/agent/client.hpp>
#include <vaultx/format/audit_record.hpp>

#include "context.hpp"

namespace vaultx::cli {

namespace {

std::string comma_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

Result<std::vector<broker::RouteSetup>> broker_routes(const config::Config& config,
                                                      const std::vector<std::string>& scopes,
                                                      const std::vector<exec::ScopeSecret>& secrets) {
  std::vector<broker::RouteSetup> out;
  auto find = [&](std::string_view name) -> const exec::ScopeSecret* {
    for (const auto& s : secrets) {
      if (s.secret_name == name) return &s;
    }
    return nullptr;
  };
  for (const auto& route : config.routes) {
    if (std::find(scopes.begin(), scopes.end(), route.scope) == scopes.end()) continue;
    broker::RouteSetup setup;
    for (const auto& name : route.secret_names()) {
      const exec::ScopeSecret* secret = find(name);
      if (secret == nullptr) {
        return Error(Errc::usage,
                     config.source + ":" + std::to_string(route.line) + ": route " + route.name + " injects " + name +
                         ", which scope " + route.scope + " does not give (is it in the store?)",
                     "store it with 'vaultx set " + name + "', or change the route's inject value");
      }
      setup.secrets.push_back({name, secure::SecretBytes::copy_of(secret->value.span())});
    }
    VAULTX_ASSIGN(setup.header_value, broker::render_value(route.value, [&](std::string_view name) {
                    const exec::ScopeSecret* s = find(name);
                    return s != nullptr ? &s->value : nullptr;
                  }));
    setup.placeholder = broker::make_placeholder();
    setup.route = route;
    out.push_back(std::move(setup));
  }
  if (out.empty()) {
    return Error(Errc::usage,
                 "--broker: " + config.source + " has no [broker.routes] for scope(s) " + comma_list(scopes),
                 "add a [broker.routes.NAME] table with scope = \"" + scopes.front() + "\" (docs/broker.md)");
  }
  return out;
}

audit::AuditEvent broker_event(const broker::RequestRecord& r) {
  audit::AuditEvent event{.op = "broker", .scopes = {}, .names = r.names, .command = r.route};
  if (!r.scope.empty()) event.scopes = {r.scope};
  event.outcome = r.outcome == broker::Outcome::ok       ? format::AuditOutcome::ok
                  : r.outcome == broker::Outcome::denied ? format::AuditOutcome::denied
                                                         : format::AuditOutcome::failed;
  event.prefix = format::to_audit_text(r.method + " " + r.host + r.path);
  event.reason = (r.reason.empty() ? "" : r.reason + ", ") + "in=" + std::to_string(r.bytes_in) +
                 " out=" + std::to_string(r.bytes_out) + " ms=" + std::to_string(r.duration_ms);
  event.status = r.status;
  return event;
}

Result<std::unique_ptr<BrokerSession>> BrokerSession::start(Context& ctx, const store::SecretAccess& vault,
                                                            std::vector<broker::RouteSetup> routes) {
  std::unique_ptr<BrokerSession> session(new BrokerSession(ctx));
  broker::AccessCheck access;
  if (dynamic_cast<const agent::AgentClient*>(&vault) != nullptr) {
    // A connection of its own: the access check runs on the broker's thread.
    VAULTX_ASSIGN(auto connection, ctx.connect_agent());
    auto shared = std::make_shared<agent::AgentConnection>(std::move(connection));
    access = [shared, id = vault.store().header().store_id]() {
      const auto st = shared->status();
      return st && st->unlocked && st->token_live.value_or(true) && st->store_id == id;
    };
  }
  std::vector<secure::SecretBytes> placeholders;
  for (const auto& r : routes) {
    for (const auto& n : r.route.secret_names()) session->brokered_.push_back(n);
    session->routes_.push_back({.name = r.route.name, .scope = r.route.scope, .upstream = r.route.upstream_text,
                                .url = {}, .base_url_env = r.route.base_url_env,
                                .placeholder_env = r.route.placeholder_env});
    placeholders.push_back(secure::SecretBytes::copy_of(r.placeholder.span()));
  }
  BrokerSession* raw = session.get();
  auto sink = [raw](const broker::RequestRecord& record) { raw->record(broker_event(record)); };
  VAULTX_ASSIGN(session->broker_, broker::Broker::start(std::move(routes), broker::Limits{}, sink, std::move(access)));
  session->variables_.reserve(session->routes_.size() * 2);
  for (std::size_t i = 0; i < session->routes_.size(); ++i) {
    RouteInfo& info = session->routes_[i];
    info.url = session->broker_->url_for(info.name);
    session->variables_.push_back({info.base_url_env, secure::SecretBytes::copy_of(info.url)});
    session->variables_.push_back({info.placeholder_env, std::move(placeholders[i])});
  }
  return session;
}

BrokerSession::~BrokerSession() { stop(); }

void BrokerSession::record(audit::AuditEvent event) {
  std::lock_guard lock(record_mutex_);
  ctx_.record(std::move(event));
}

void BrokerSession::stop() {
  if (broker_) broker_->stop();
}

}  // namespace vaultx::cli
