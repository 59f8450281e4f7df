// The credential broker of `vaultx exec --broker`: an HTTP server on
// 127.0.0.1 (random port) inside the exec parent. The child gets a broker URL
// and a per-run placeholder instead of a key; the broker checks that a
// request carries this run's placeholder in the route's header, puts the real
// value there instead, and forwards the request over verified TLS to the
// route's upstream only. Responses stream back as they arrive, with the
// route's secret values masked. docs/broker.md describes it.
//
// Every request, refused or not, gives one RequestRecord (never a header
// value or a body) to the audit sink, on a thread of its own so that the
// trail's fsync does not delay requests.
//
// This layer does no file-format or key work: it gets rendered values from
// its caller, and uses libsodium only for the random placeholder.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vaultx/config/routes.hpp>
#include <vaultx/error.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::broker {

// One value a route injects (for masking responses).
struct RouteSecret {
  std::string name;
  secure::SecretBytes value;
};

struct RouteSetup {
  config::BrokerRoute route;
  secure::SecretBytes header_value;  // the template rendered with the real values
  secure::SecretBytes placeholder;   // what the child gets instead (make_placeholder)
  std::vector<RouteSecret> secrets;  // masked in responses
};

enum class Outcome { ok, denied, failed };

struct RequestRecord {
  std::string route;                // empty when the request named no known route
  std::string scope;
  std::vector<std::string> names;   // the secrets injected (empty if refused before that)
  std::string method;
  std::string host;                 // the upstream host, or the Host the client asked for
  std::string path;                 // without the query string (which may carry data)
  int status = 0;                   // the HTTP status sent to the client
  Outcome outcome = Outcome::ok;
  std::string reason;               // a fixed phrase when denied or failed
  std::uint64_t bytes_in = 0;       // request body bytes
  std::uint64_t bytes_out = 0;      // response body bytes sent to the client
  std::int64_t duration_ms = 0;
};

struct Limits {
  std::size_t max_header_bytes = 64 * 1024;         // request head; larger: 413
  std::size_t max_body_bytes = 32 * 1024 * 1024;    // request body; larger: 413
  std::size_t max_connections = 64;                 // more at once: 503
  int check_interval_ms = 200;                      // how often the access check runs
};

using AuditSink = std::function<void(const RequestRecord&)>;
// False once access is gone (the agent was locked, the grant revoked): the
// broker then aborts every connection, streams included, and refuses the rest.
using AccessCheck = std::function<bool()>;

class Broker {
 public:
  // Listens on 127.0.0.1 with a port of the kernel's choice and serves on
  // threads of its own (with every signal blocked, so that exec's signal
  // handling is unchanged). Errc::failure if it cannot listen or a route's
  // ca_file cannot be read.
  static Result<std::unique_ptr<Broker>> start(std::vector<RouteSetup> routes, Limits limits, AuditSink audit,
                                               AccessCheck access);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  // http://127.0.0.1:PORT/ROUTE: what the child's base_url_env holds.
  [[nodiscard]] std::string url_for(std::string_view route) const;
  // True once the access check has failed: every connection has been cut and
  // every later request is refused. `vaultx broker` ends then.
  [[nodiscard]] bool access_lost() const;
  // Closes every connection, waits for the threads and flushes the audit
  // records. Idempotent; the destructor calls it.
  void stop();

  struct Impl;

 private:
  explicit Broker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// "vxph_" and 32 random letters and digits (libsodium's randombytes).
secure::SecretBytes make_placeholder();

// The template with each {name} replaced by lookup(name); Errc::not_found
// naming the first secret lookup does not know (returns nullptr for).
Result<secure::SecretBytes> render_value(const std::vector<config::TemplatePart>& parts,
                                         const std::function<const secure::SecretBytes*(std::string_view)>& lookup);

// A request target of the broker: "/ROUTE[/REST][?QUERY]". `rest` keeps the
// path after the route and the query.
struct Target {
  std::string route;
  std::string rest;
};
// Nullopt for anything else: absolute-form, authority-form, '*', no route,
// or a '.' or '..' segment (also percent-encoded) that could climb out of
// the upstream's prefix.
std::optional<Target> split_target(std::string_view target);

// True if `header` carries `placeholder` as its last space-separated word
// (compared in constant time): "Bearer vxph_..." or just "vxph_...".
bool carries_placeholder(std::string_view header, const secure::SecretBytes& placeholder);

}  // namespace vaultx::broker
