// The broker's network side: the only translation unit that includes
// Boost.Beast and Asio (slow to compile), and OpenSSL.
//
// Threads, each with every signal blocked: one accepts connections, one per
// connection serves it with blocking I/O (a local broker serves one agent: a
// few connections, where threads are simpler than an event loop and stream
// with the same latency), one runs the access check every
// Limits::check_interval_ms, one writes audit records. Stopping or losing
// access shuts every socket down (shutdown(2) wakes a thread blocked on it),
// which ends streams in flight at once.
//
// Requests are read with Beast's parser (head and body limits). The request
// to the upstream is written by hand into guarded memory, since it carries
// the real credential; the response is read with a buffer_body parser and
// sent on piece by piece, as chunked transfer coding (masking can change the
// length), or delimited by closing for an HTTP/1.0 client.
#include <vaultx/broker/broker.hpp>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <vaultx/broker/rate_limiter.hpp>
#include <vaultx/exec/redactor.hpp>

namespace vaultx::broker {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::size_t kRelayChunk = 64 * 1024;
constexpr std::chrono::seconds kConnectTimeout{10};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void set_cloexec(int fd) { ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC); }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Hop-by-hop and proxy fields, never passed on; Host and the length are set anew.
bool is_hop_field(std::string_view name) {
  static constexpr std::string_view kDropped[] = {
      "connection", "keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate", "te", "trailer",
      "transfer-encoding", "upgrade", "host", "content-length", "expect", "accept-encoding"};
  for (auto d : kDropped) {
    if (iequals(name, d)) return true;
  }
  return false;
}

std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }


std::string path_of(std::string_view target) { return std::string(target.substr(0, target.find('?'))); }

std::string to_hex(std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[n & 15U]);
    n >>= 4U;
  } while (n != 0);
  return out;
}

// The masking stream of a connection's thread (see relay_body).
thread_local std::unique_ptr<exec::Redactor> t_masker;

struct Refusal {
  int status;
  Outcome outcome;
  std::string reason;
};

// A route as served: its setup, TLS context and rate limiter.
struct ServedRoute {
  RouteSetup setup;
  std::unique_ptr<ssl::context> tls;
  std::optional<TokenBucket> bucket;  // guarded by Broker::Impl::mutex
  std::vector<std::string> names;
};

// The TLS connection to one upstream, kept between requests of a client connection.
struct UpstreamConnection {
  std::size_t route = 0;
  std::unique_ptr<ssl::stream<tcp::socket>> stream;
  boost::beast::flat_buffer buffer;
  bool reused = false;
};

// Why a connection to an upstream failed: unreachable, or its certificate refused.
struct ConnectFailure {
  std::string reason;
};

}  // namespace

struct Broker::Impl {
  Limits limits;
  AuditSink audit;
  AccessCheck access;
  std::vector<ServedRoute> routes;
  std::unique_ptr<exec::Redactor> redactor;  // every route's values; one stream per response
  net::io_context io;                        // never run: the sockets are used synchronously
  tcp::acceptor acceptor{io};
  std::uint16_t port = 0;

  std::mutex mutex;  // guards what follows
  std::condition_variable changed;
  bool stopping = false;
  bool revoked = false;
  std::set<int> fds;  // every open connection, both sides
  std::size_t connections = 0;
  std::deque<RequestRecord> pending_records;
  std::mutex access_mutex;  // the access check is not thread-safe (one agent connection)

  std::thread acceptor_thread;
  std::thread watcher_thread;
  std::thread audit_thread;
  bool stopped = false;
  bool abandoned = false;  // stop() gave up waiting for some connection thread

  // --- lifecycle

  void shut_everything_down() {  // with `mutex` held
    for (int fd : fds) ::shutdown(fd, SHUT_RDWR);
  }

  void stop() {
    {
      std::lock_guard lock(mutex);
      if (stopped) return;
      stopped = true;
      stopping = true;
      shut_everything_down();
      ::shutdown(acceptor.native_handle(), SHUT_RDWR);
      changed.notify_all();
    }
    if (acceptor_thread.joinable()) acceptor_thread.join();
    if (watcher_thread.joinable()) watcher_thread.join();
    {
      // A thread still resolving or connecting to an upstream cannot be woken
      // (shutdown(2) does not end a connect); it is left behind, and so is
      // this object (see Broker::stop), rather than holding vaultx's exit.
      std::unique_lock lock(mutex);
      abandoned = !changed.wait_for(lock, std::chrono::seconds(3), [&] { return connections == 0; });
      changed.notify_all();  // the audit thread drains and ends
    }
    if (audit_thread.joinable()) audit_thread.join();
    error_code ignored;
    acceptor.close(ignored);
  }

  bool access_gone() {
    {
      std::lock_guard lock(mutex);
      if (revoked || stopping) return true;
    }
    if (!access) return false;
    bool ok = false;
    {
      std::lock_guard lock(access_mutex);
      ok = access();
    }
    if (!ok) revoke();
    return !ok;
  }

  void revoke() {
    std::lock_guard lock(mutex);
    revoked = true;
    shut_everything_down();
  }

  void watch() {
    std::unique_lock lock(mutex);
    while (!stopping && !revoked) {
      changed.wait_for(lock, std::chrono::milliseconds(limits.check_interval_ms));
      if (stopping || revoked) break;
      lock.unlock();
      (void)access_gone();
      lock.lock();
    }
  }

  void write_records() {
    std::unique_lock lock(mutex);
    while (true) {
      changed.wait(lock, [&] { return !pending_records.empty() || finished(); });
      while (!pending_records.empty()) {
        RequestRecord record = std::move(pending_records.front());
        pending_records.pop_front();
        lock.unlock();
        if (audit) audit(record);
        lock.lock();
      }
      if (finished()) return;
    }
  }

  [[nodiscard]] bool finished() const { return stopping && (connections == 0 || abandoned); }  // with `mutex` held

  void record(RequestRecord record, std::int64_t started) {
    record.duration_ms = now_ms() - started;
    std::lock_guard lock(mutex);
    pending_records.push_back(std::move(record));
    changed.notify_all();
  }

  bool track(int fd) {
    std::lock_guard lock(mutex);
    if (stopping || revoked) return false;
    fds.insert(fd);
    return true;
  }
  void untrack(int fd) {
    std::lock_guard lock(mutex);
    fds.erase(fd);
  }

  void accept_loop() {
    while (true) {
      tcp::socket socket(io);
      error_code ec;
      acceptor.accept(socket, ec);
      {
        std::lock_guard lock(mutex);
        if (stopping) return;
      }
      if (ec) {
        if (ec == net::error::operation_aborted || ec == net::error::bad_descriptor) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // EMFILE and the like: do not spin
        continue;
      }
      set_cloexec(socket.native_handle());
      socket.set_option(tcp::no_delay(true), ec);  // heads and chunks go out at once, not after an ACK
      bool too_many = false;
      {
        std::lock_guard lock(mutex);
        too_many = connections >= limits.max_connections;
        if (!too_many) ++connections;
      }
      if (too_many) {
        const std::string_view busy = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        net::write(socket, net::buffer(busy.data(), busy.size()), ec);
        continue;
      }
      // The thread owns the socket through a raw pointer, so that nothing of
      // it (nor of this object) is touched once the count is down: stop()
      // may destroy everything at that point.
      auto* owned = new tcp::socket(std::move(socket));
      std::thread([this, owned] {
        serve(std::unique_ptr<tcp::socket>(owned));
        std::lock_guard lock(mutex);
        --connections;
        changed.notify_all();
      }).detach();
    }
  }

  // --- one client connection

  template <class Stream>
  static bool write_text(Stream& stream, std::string_view text) {
    error_code ec;
    net::write(stream, net::buffer(text.data(), text.size()), ec);
    return !ec;
  }

  // A refusal: a short text body, and the connection closes.
  void refuse(tcp::socket& client, RequestRecord& rec, const Refusal& refusal, std::int64_t started,
              std::string_view extra_fields = {}) {
    rec.status = refusal.status;
    rec.outcome = refusal.outcome;
    rec.reason = refusal.reason;
    const std::string body = "vaultx broker: " + refusal.reason + "\n";
    std::string head = "HTTP/1.1 " + std::to_string(refusal.status) + " " +
                       std::string(sv(http::obsolete_reason(static_cast<http::status>(refusal.status)))) + "\r\n";
    head += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\nConnection: close\r\n" + std::string(extra_fields) + "\r\n" + body;
    write_text(client, head);
    record(std::move(rec), started);
    linger_close(client);
  }

  // Closing with unread request bytes makes the kernel send a reset, which
  // can destroy the refusal before the client reads it: stop sending, then
  // read and drop what the client still sends (up to 1 MiB) until it closes.
  static void linger_close(tcp::socket& client) {
    error_code ec;
    client.shutdown(tcp::socket::shutdown_send, ec);
    std::array<char, 16384> sink{};
    for (std::size_t dropped = 0; !ec && dropped < (1U << 20);) dropped += client.read_some(net::buffer(sink), ec);
  }

  bool host_is_ours(std::string_view host) const {
    const std::string p = ":" + std::to_string(port);
    return host == "127.0.0.1" + p || host == "localhost" + p;
  }

  void serve(std::unique_ptr<tcp::socket> owned) {
    tcp::socket& client = *owned;
    const int fd = client.native_handle();
    if (!track(fd)) return;
    boost::beast::flat_buffer buffer;
    std::optional<UpstreamConnection> upstream;
    while (serve_one(client, buffer, upstream)) {
    }
    if (upstream && upstream->stream) untrack(upstream->stream->next_layer().native_handle());
    untrack(fd);
    t_masker.reset();
    error_code ignored;
    client.shutdown(tcp::socket::shutdown_both, ignored);
  }

  // Serves one request; false when the connection is to close.
  bool serve_one(tcp::socket& client, boost::beast::flat_buffer& buffer, std::optional<UpstreamConnection>& upstream) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    error_code ec;
    http::read_header(client, buffer, parser, ec);
    const std::int64_t started = now_ms();
    RequestRecord rec;
    if (ec == http::error::header_limit) {
      refuse(client, rec, {413, Outcome::denied, "request head too large"}, started);
      return false;
    }
    if (ec) {
      if (ec != http::error::end_of_stream && ec != net::error::eof && buffer.size() > 0) {
        refuse(client, rec, {400, Outcome::denied, "malformed request"}, started);
      }
      return false;
    }
    auto& req = parser.get();
    rec.method = std::string(sv(req.method_string()));
    rec.host = std::string(sv(req[http::field::host]));
    rec.path = path_of(sv(req.target()));
    if (access_gone()) {
      refuse(client, rec, {403, Outcome::denied, "access revoked"}, started);
      return false;
    }
    const auto target = split_target(sv(req.target()));
    const bool host_ok = host_is_ours(rec.host) || (rec.host.empty() && req.version() < 11);
    std::size_t index = routes.size();
    if (target) {
      for (std::size_t i = 0; i < routes.size(); ++i) {
        if (routes[i].setup.route.name == target->route) index = i;
      }
    }
    if (req.method() == http::verb::connect || !target || !host_ok || index == routes.size()) {
      refuse(client, rec, {403, Outcome::denied, !host_ok ? "host not allowed" : "no such route"}, started);
      return false;
    }
    ServedRoute& route = routes[index];
    const config::BrokerRoute& spec = route.setup.route;
    rec.route = spec.name;
    rec.scope = spec.scope;
    rec.host = spec.upstream.host;
    rec.path = spec.upstream.prefix + path_of(target->rest);
    if (rec.path.empty()) rec.path = "/";
    // Exactly one injection header, carrying this run's placeholder.
    const auto count = req.count(spec.header);
    if (count != 1 || !carries_placeholder(sv(req[spec.header]), route.setup.placeholder)) {
      refuse(client, rec, {401, Outcome::denied, "no valid placeholder"}, started);
      return false;
    }
    if (iequals(sv(req[http::field::expect]), "100-continue")) {
      write_text(client, "HTTP/1.1 100 Continue\r\n\r\n");
    }
    if (!parser.is_done()) http::read(client, buffer, parser, ec);
    if (ec == http::error::body_limit) {
      refuse(client, rec, {413, Outcome::denied, "request body too large"}, started);
      return false;
    }
    if (ec) {
      refuse(client, rec, {400, Outcome::denied, "malformed request"}, started);
      return false;
    }
    rec.bytes_in = req.body().size();
    if (route.bucket) {
      std::int64_t wait = 0;
      bool allowed = false;
      {
        std::lock_guard lock(mutex);
        allowed = route.bucket->try_take(now_ms());
        if (!allowed) wait = route.bucket->wait_ms(now_ms());
      }
      if (!allowed) {
        refuse(client, rec, {429, Outcome::denied, "rate limit"}, started,
               "Retry-After: " + std::to_string((wait + 999) / 1000) + "\r\n");
        return false;
      }
    }
    rec.names = route.names;
    return forward(client, req, index, *target, upstream, rec, started);
  }

  // --- the upstream side

  // Connects without blocking, tracked from the start (so that stop() and a
  // revocation end the wait) and within kConnectTimeout. On success the
  // socket is blocking again and tracked; on failure it is closed.
  bool connect_within(tcp::socket& socket, const tcp::endpoint& endpoint) {
    error_code ec;
    if (socket.is_open()) socket.close(ec);
    socket.open(endpoint.protocol(), ec);
    if (ec) return false;
    const int fd = socket.native_handle();
    set_cloexec(fd);
    if (!track(fd)) {
      socket.close(ec);
      return false;
    }
    socket.non_blocking(true, ec);
    if (!ec) socket.connect(endpoint, ec);
    if (ec == net::error::in_progress || ec == net::error::would_block) {
      const auto deadline = std::chrono::steady_clock::now() + kConnectTimeout;
      ec = net::error::timed_out;
      while (std::chrono::steady_clock::now() < deadline && !access_revoked() && !stopping_now()) {
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, 200) == 0) continue;  // shutdown(2) from stop() does not wake a connect: look again
        int error = 0;
        socklen_t size = sizeof error;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
        ec = error == 0 ? error_code() : error_code(error, boost::system::system_category());
        break;
      }
    }
    if (!ec) socket.non_blocking(false, ec);
    if (ec) {
      untrack(fd);
      error_code ignored;
      socket.close(ignored);
      return false;
    }
    return true;
  }

  bool stopping_now() {
    std::lock_guard lock(mutex);
    return stopping;
  }

  std::optional<ConnectFailure> connect(std::size_t index, UpstreamConnection& out) {
    const config::Upstream& up = routes[index].setup.route.upstream;
    tcp::resolver resolver(io);
    error_code ec;
    const auto endpoints = resolver.resolve(up.host, std::to_string(up.port), ec);
    if (ec) return ConnectFailure{"upstream unreachable"};
    auto stream = std::make_unique<ssl::stream<tcp::socket>>(io, *routes[index].tls);
    bool connected = false;
    for (const auto& entry : endpoints) {
      if (connect_within(stream->next_layer(), entry.endpoint())) {
        connected = true;
        break;
      }
    }
    if (!connected) return ConnectFailure{access_revoked() ? "access revoked" : "upstream unreachable"};
    const int fd = stream->next_layer().native_handle();
    stream->next_layer().set_option(tcp::no_delay(true), ec);
    SSL* ssl_handle = stream->native_handle();
    error_code parse_ec;
    (void)net::ip::make_address_v4(up.host, parse_ec);
    const bool is_ip = !parse_ec;
    // Certificate and host name verification, and SNI for a name.
    stream->set_verify_mode(ssl::verify_peer);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int named = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, up.host.c_str())
                            : X509_VERIFY_PARAM_set1_host(param, up.host.c_str(), up.host.size());
    if (named != 1 || (!is_ip && SSL_ctrl(ssl_handle, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                                        const_cast<char*>(up.host.c_str())) != 1)) {
      untrack(fd);
      return ConnectFailure{"tls setup failed"};
    }
    stream->handshake(ssl::stream_base::client, ec);
    if (ec) {
      const long verify = SSL_get_verify_result(ssl_handle);
      untrack(fd);
      return ConnectFailure{verify != X509_V_OK ? "upstream certificate not trusted" : "tls handshake failed"};
    }
    out.route = index;
    out.stream = std::move(stream);
    out.buffer.clear();
    out.reused = false;
    return std::nullopt;
  }

  void drop(std::optional<UpstreamConnection>& upstream) {
    if (!upstream) return;
    if (upstream->stream) {
      untrack(upstream->stream->next_layer().native_handle());
      error_code ignored;
      upstream->stream->next_layer().close(ignored);
    }
    upstream.reset();
  }

  // The request as it goes upstream. The credential goes into guarded memory
  // only, in one allocation (each guarded allocation costs several system
  // calls); the rest is the child's own request.
  secure::SecretBytes upstream_request(const http::request<http::string_body>& req, const ServedRoute& route,
                                       const Target& target) const {
    const config::BrokerRoute& spec = route.setup.route;
    std::string path = spec.upstream.prefix + target.rest;
    if (path.empty() || path.front() == '?') path = spec.upstream.prefix + "/" + target.rest;
    std::string head;
    head.reserve(1024);
    head.append(sv(req.method_string())).append(" ").append(path).append(" HTTP/1.1\r\nHost: ").append(spec.upstream.host);
    if (spec.upstream.port != 443) head.append(":").append(std::to_string(spec.upstream.port));
    head.append("\r\n");
    for (const auto& field : req) {
      const std::string_view name = sv(field.name_string());
      if (is_hop_field(name) || iequals(name, spec.header)) continue;
      head.append(name).append(": ").append(sv(field.value())).append("\r\n");
    }
    const bool has_body = !req.body().empty() || req.method() == http::verb::post || req.method() == http::verb::put ||
                          req.method() == http::verb::patch;
    std::string end = "\r\n";
    if (has_body) end.append("Content-Length: ").append(std::to_string(req.body().size())).append("\r\n");
    end.append("\r\n");
    const std::string label = spec.header + ": ";
    const secure::SecretBytes& value = route.setup.header_value;
    secure::SecretBytes out(head.size() + label.size() + value.size() + end.size());
    std::uint8_t* at = out.data();
    for (const std::string_view part : {std::string_view(head), std::string_view(label), value.view(), std::string_view(end)}) {
      std::memcpy(at, part.data(), part.size());
      at += part.size();
    }
    return out;
  }

  // A response field, with any value of the route's secrets masked out.
  std::string masked_field(std::string_view value) const {
    std::string out(value);
    for (const auto& r : routes) {
      for (const auto& s : r.setup.secrets) {
        if (s.value.size() < exec::Redactor::kMinValueSize) continue;
        for (auto at = out.find(s.value.view()); at != std::string::npos; at = out.find(s.value.view())) {
          out.replace(at, s.value.size(), "<redacted:" + s.name + ">");
        }
      }
    }
    return out;
  }

  bool forward(tcp::socket& client, const http::request<http::string_body>& req, std::size_t index,
               const Target& target, std::optional<UpstreamConnection>& upstream, RequestRecord& rec,
               std::int64_t started) {
    const secure::SecretBytes head = upstream_request(req, routes[index], target);
    std::optional<http::response_parser<http::buffer_body>> parser;
    // A kept connection the upstream closed meanwhile gets one retry on a new one.
    for (int attempt = 0;; ++attempt) {
      parser.emplace();
      parser->header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
      parser->body_limit(std::numeric_limits<std::uint64_t>::max());  // a stream may be long; it is relayed, never held
      if (req.method() == http::verb::head) parser->skip(true);
      if (upstream && upstream->route != index) drop(upstream);
      if (!upstream) {
        upstream.emplace();
        if (auto failure = connect(index, *upstream)) {
          upstream.reset();
          refuse(client, rec, {502, Outcome::failed, failure->reason}, started);
          return false;
        }
      }
      error_code ec;
      net::write(*upstream->stream, net::buffer(head.data(), head.size()), ec);
      if (!ec && !req.body().empty()) net::write(*upstream->stream, net::buffer(req.body()), ec);
      if (!ec) http::read_header(*upstream->stream, upstream->buffer, *parser, ec);
      if (!ec) break;
      const bool retry = upstream->reused && attempt == 0;
      drop(upstream);
      if (access_gone()) {
        refuse(client, rec, {403, Outcome::denied, "access revoked"}, started);
        return false;
      }
      if (!retry) {
        refuse(client, rec, {502, Outcome::failed, "upstream failed"}, started);
        return false;
      }
    }
    return relay(client, req, *parser, upstream, rec, started);
  }

  bool relay(tcp::socket& client, const http::request<http::string_body>& req,
             http::response_parser<http::buffer_body>& parser, std::optional<UpstreamConnection>& upstream,
             RequestRecord& rec, std::int64_t started) {
    const auto& res = parser.get();
    const unsigned status = res.result_int();
    const bool http10 = req.version() < 11;
    const bool no_body = req.method() == http::verb::head || status / 100 == 1 || status == 204 || status == 304;
    const bool keep_client = req.keep_alive() && !http10;
    std::string head = std::string(http10 ? "HTTP/1.0 " : "HTTP/1.1 ") + std::to_string(status) + " " +
                       std::string(sv(res.reason().empty() ? http::obsolete_reason(res.result()) : res.reason())) +
                       "\r\n";
    for (const auto& field : res) {
      const std::string_view name = sv(field.name_string());
      if (is_hop_field(name) && !(no_body && iequals(name, "content-length"))) continue;
      head += std::string(name) + ": " + masked_field(sv(field.value())) + "\r\n";
    }
    if (!no_body && !http10) head += "Transfer-Encoding: chunked\r\n";
    head += keep_client ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    rec.status = static_cast<int>(status);
    if (!write_text(client, head)) {
      drop(upstream);
      rec.outcome = Outcome::failed;
      rec.reason = "client went away";
      record(std::move(rec), started);
      return false;
    }
    bool complete = true;
    if (!no_body) complete = relay_body(client, parser, *upstream, !http10, rec);
    upstream->reused = true;
    if (!complete || !parser.is_done() || !parser.keep_alive()) drop(upstream);
    if (!complete) {
      rec.outcome = Outcome::failed;
      if (rec.reason.empty()) rec.reason = "stream cut";
    }
    record(std::move(rec), started);
    return complete && keep_client;
  }

  // The body as it arrives, masked; false if either side failed (or access
  // was revoked) before the end.
  bool relay_body(tcp::socket& client, http::response_parser<http::buffer_body>& parser, UpstreamConnection& upstream,
                  bool chunked, RequestRecord& rec) {
    // One masking stream per thread, reused (finish() readies it for the next
    // response): its guarded buffers cost system calls to make.
    if (!t_masker) t_masker = std::make_unique<exec::Redactor>(redactor->new_stream());
    std::vector<char> piece(kRelayChunk);
    Bytes masked;
    exec::Redactor& stream = *t_masker;
    // One gathered write per piece: size line, data, CRLF (and the last chunk).
    auto send = [&](bool last) {
      const std::string size_line = masked.empty() ? std::string() : to_hex(masked.size()) + "\r\n";
      const std::string_view tail = masked.empty() ? "" : "\r\n";
      const std::string_view end = last ? "0\r\n\r\n" : "";
      std::array<net::const_buffer, 4> buffers{
          net::buffer(size_line.data(), chunked ? size_line.size() : 0), net::buffer(masked.data(), masked.size()),
          net::buffer(chunked ? tail.data() : "", chunked ? tail.size() : 0),
          net::buffer(chunked ? end.data() : "", chunked ? end.size() : 0)};
      if (net::buffer_size(buffers) == 0) return true;
      error_code ec;
      net::write(client, buffers, ec);
      if (ec) return false;
      rec.bytes_out += masked.size();
      masked.clear();
      return true;
    };
    while (!parser.is_done()) {
      parser.get().body().data = piece.data();
      parser.get().body().size = piece.size();
      error_code ec;
      std::size_t got = 0;
      // Wait for some of the body, then fill the piece with what has already
      // arrived (a TLS record is 16 KiB at most), reading without blocking:
      // bigger pieces for bulk, and a stream's events still go on at once.
      http::read_some(*upstream.stream, upstream.buffer, parser, ec);
      if (ec == http::error::need_buffer) ec = {};
      got = piece.size() - parser.get().body().size;
      if (!ec && got > 0 && got < piece.size() && !parser.is_done()) {
        tcp::socket& raw = upstream.stream->next_layer();
        raw.non_blocking(true, ec);
        while (!ec) {
          const std::size_t before = got;
          http::read_some(*upstream.stream, upstream.buffer, parser, ec);
          if (ec == http::error::need_buffer) ec = {};
          if (ec == net::error::would_block || ec == net::error::try_again) {
            ec = {};
            break;
          }
          got = piece.size() - parser.get().body().size;
          if (parser.is_done() || got == piece.size() || got == before) break;
        }
        error_code restored;
        raw.non_blocking(false, restored);
        if (restored && !ec) ec = restored;
      }
      // A close-delimited body ends with end of stream (or a TLS truncation).
      const bool ended = (ec == http::error::end_of_stream || ec == net::ssl::error::stream_truncated) && parser.is_done();
      if (ec && !ended) {
        rec.reason = access_revoked() ? "access revoked" : "upstream failed";
        return false;
      }
      if (got > 0) {
        stream.feed(ByteView(reinterpret_cast<const std::uint8_t*>(piece.data()), got), masked);  // NOLINT
        if (!send(false)) {
          rec.reason = access_revoked() ? "access revoked" : "client went away";
          return false;
        }
      }
    }
    stream.finish(masked);
    return send(true);
  }

  bool access_revoked() {
    std::lock_guard lock(mutex);
    return revoked;
  }
};

Broker::Broker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Broker::~Broker() { stop(); }
void Broker::stop() {
  if (!impl_) return;
  impl_->stop();
  // Threads left behind still use the object: it is never freed.
  if (impl_->abandoned) static_cast<void>(impl_.release());
}
std::uint16_t Broker::port() const { return impl_->port; }
bool Broker::access_lost() const { return impl_ && impl_->access_revoked(); }
std::string Broker::url_for(std::string_view route) const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + "/" + std::string(route);
}

Result<std::unique_ptr<Broker>> Broker::start(std::vector<RouteSetup> routes, Limits limits, AuditSink audit,
                                              AccessCheck access) {
  auto impl = std::make_unique<Impl>();
  impl->limits = limits;
  impl->audit = std::move(audit);
  impl->access = std::move(access);
  std::vector<exec::MaskedValue> masked;
  for (auto& setup : routes) {
    ServedRoute served;
    served.names = setup.route.secret_names();
    served.tls = std::make_unique<ssl::context>(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(served.tls->native_handle(), TLS1_2_VERSION);
    error_code ec;
    if (setup.route.ca_file.empty()) {
      served.tls->set_default_verify_paths(ec);
    } else {
      served.tls->load_verify_file(setup.route.ca_file, ec);
    }
    if (ec) {
      return Error(Errc::failure,
                   "route " + setup.route.name + ": cannot load " +
                       (setup.route.ca_file.empty() ? "the system's CA certificates" : "ca_file " + setup.route.ca_file),
                   "give ca_file the path of a readable PEM file of CA certificates");
    }
    if (setup.route.rate) served.bucket.emplace(setup.route.rate->count, setup.route.rate->period_seconds, now_ms());
    served.setup = std::move(setup);
    impl->routes.push_back(std::move(served));
  }
  for (const auto& r : impl->routes) {
    for (const auto& s : r.setup.secrets) masked.push_back({s.name, s.value.span()});
  }
  impl->redactor = std::make_unique<exec::Redactor>(masked);

  error_code ec;
  const tcp::endpoint endpoint(net::ip::make_address_v4("127.0.0.1"), 0);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) set_cloexec(impl->acceptor.native_handle());
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Error(Errc::failure, "the broker cannot listen on 127.0.0.1: " + ec.message());
  impl->port = impl->acceptor.local_endpoint().port();

  // The threads block every signal: exec's signalfd must get them all.
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  Impl* raw = impl.get();
  raw->audit_thread = std::thread([raw] { raw->write_records(); });
  raw->watcher_thread = std::thread([raw] { raw->watch(); });
  raw->acceptor_thread = std::thread([raw] { raw->accept_loop(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return std::unique_ptr<Broker>(new Broker(std::move(impl)));
}

}  // namespace vaultx::broker
