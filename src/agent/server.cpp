#include <vaultx/agent/server.hpp>

#include <poll.h>
#include <pwd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <iostream>
#include <list>

#include <vaultx/audit/trail.hpp>
#include <vaultx/config/config.hpp>
#include <vaultx/config/full_unlock.hpp>
#include <vaultx/exec/scope_secrets.hpp>
#include <vaultx/format/agent_protocol.hpp>
#include <vaultx/format/names.hpp>

namespace vaultx::agent {

namespace {

using format::AgentFrame;
using format::AgentMessage;
using format::AgentTag;
using format::AgentWriter;

constexpr std::size_t kMaxConnections = 256;
// A client that starts a frame and stalls is dropped after this long, so it
// cannot pin the agent's memory.
constexpr Millis kPartialFrameTimeoutMs = 30 * 1000;
constexpr Millis kMaxPollMs = 60 * 1000;

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string user_name(uid_t uid) {
  const long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::string buffer(size > 0 ? static_cast<std::size_t>(size) : 16384, '\0');
  struct passwd entry {};
  struct passwd* found = nullptr;
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) return {};
  return found->pw_name;
}

std::string clip(std::string s) {
  if (s.size() > format::kMaxAgentTextBytes) s.resize(format::kMaxAgentTextBytes);
  return s;
}

secure::SecretBytes error_reply(const Error& e) {
  AgentWriter w(AgentMessage::error);
  w.u8(AgentTag::errc, static_cast<std::uint8_t>(e.code));
  w.text(AgentTag::message, clip(e.message));
  w.text(AgentTag::hint, clip(e.hint));
  return std::move(w).finish();
}

secure::SecretBytes ok_reply() { return AgentWriter(AgentMessage::ok).finish(); }

std::uint64_t seconds_left(Millis deadline, Millis now) {
  return deadline <= now ? 0 : static_cast<std::uint64_t>((deadline - now + 999) / 1000);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

std::vector<std::string> texts(const std::vector<ByteView>& views) {
  std::vector<std::string> out;
  for (const auto& v : views) out.emplace_back(as_text(v));
  return out;
}

// One client connection: a frame being read, then the reply being written.
struct Connection {
  Fd fd;
  PeerCredentials peer;
  std::array<std::uint8_t, format::kAgentLengthBytes> prefix{};
  std::size_t prefix_got = 0;
  secure::SecretBytes body;
  std::size_t body_got = 0;
  bool reading_body = false;
  secure::SecretBytes out;
  std::size_t out_sent = 0;
  Millis frame_started = 0;
  bool done = false;  // to be closed

  [[nodiscard]] bool writing() const { return out_sent < out.size(); }
  [[nodiscard]] bool mid_frame() const { return prefix_got > 0 || reading_body; }
};

// The result of checking a request's token.
struct Caller {
  std::optional<Holder> holder;  // nullopt: refused (reply holds why)
  std::string token_id;
};

class Server {
 public:
  Server(const AgentOptions& options, store::Store store, Fd listener, GrantTable grants)
      : options_(options), store_(std::move(store)), listener_(std::move(listener)), grants_(std::move(grants)) {}

  Status run();

 private:
  // ---- the loop
  Status setup_signals();
  int poll_timeout(Millis now) const;
  void accept_connections();
  void on_readable(Connection& c);
  void on_writable(Connection& c);
  void check_timers(Millis now);

  // ---- requests
  secure::SecretBytes handle(const Connection& c, const AgentFrame& request);
  secure::SecretBytes status(const AgentFrame& request, Millis now);
  secure::SecretBytes unlock(const Connection& c, const AgentFrame& request);
  secure::SecretBytes grant(const Connection& c, const AgentFrame& request, Millis now);
  secure::SecretBytes revoke(const Connection& c, const AgentFrame& request);
  secure::SecretBytes owner_store_request(const AgentFrame& request);
  secure::SecretBytes holder_read(const Connection& c, const AgentFrame& request, const Caller& caller, Millis now);
  // The secrets of `scopes`; their names are added to `names`, and `failed` set on an error reply.
  secure::SecretBytes scope_values_reply(const std::vector<std::string>& scopes,
                                         std::vector<std::string>* names = nullptr, bool* failed = nullptr);
  Result<std::vector<std::string>> names_of_scopes(const std::vector<std::string>& scopes);
  Status check_store(const AgentFrame& request) const;
  Caller identify(const Connection& c, const AgentFrame& request, Millis now, secure::SecretBytes& refusal);
  Error denial_error(Denial denial, const std::string& token_id, const std::string& detail) const;

  // ---- state
  void lock(const std::string& reason, const PeerCredentials* peer);
  void touch(Millis now) { last_use_ = now; }
  void record(audit::AuditEvent event, const PeerCredentials* peer);
  void warn(const std::string& message) const;

  const AgentOptions& options_;
  store::Store store_;
  Fd listener_;
  GrantTable grants_;
  Fd signals_;
  std::optional<store::Vault> vault_;
  Millis unlocked_at_ = 0;
  Millis last_use_ = 0;
  std::list<Connection> connections_;
  bool stopping_ = false;
};

// ---------------------------------------------------------------- the loop

Status Server::setup_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, sig);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  signals_ = Fd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signals_.valid()) return Error(Errc::failure, "cannot watch for signals in the agent");
  return {};
}

int Server::poll_timeout(Millis now) const {
  Millis wait = kMaxPollMs;
  if (vault_) {
    wait = std::min(wait, last_use_ + options_.idle_timeout_seconds * 1000 - now);
    wait = std::min(wait, unlocked_at_ + options_.max_lifetime_seconds * 1000 - now);
  }
  for (const auto& c : connections_) {
    if (c.mid_frame()) wait = std::min(wait, c.frame_started + kPartialFrameTimeoutMs - now);
  }
  return static_cast<int>(std::clamp<Millis>(wait, 0, kMaxPollMs));
}

void Server::check_timers(Millis now) {
  if (vault_) {
    if (now >= unlocked_at_ + options_.max_lifetime_seconds * 1000) {
      lock("max lifetime", nullptr);
    } else if (now >= last_use_ + options_.idle_timeout_seconds * 1000) {
      lock("idle timeout", nullptr);
    }
  }
  grants_.purge(now);
  for (auto& c : connections_) {
    if (c.mid_frame() && now >= c.frame_started + kPartialFrameTimeoutMs) c.done = true;
  }
}

Status Server::run() {
  VAULTX_TRY(setup_signals());
  record(audit::AuditEvent{.op = "agent-start"}, nullptr);
  while (!stopping_) {
    const Millis now = now_ms();
    check_timers(now);
    connections_.remove_if([](const Connection& c) { return c.done; });

    std::vector<pollfd> fds;
    fds.push_back({signals_.get(), POLLIN, 0});
    fds.push_back({listener_.get(), static_cast<short>(connections_.size() < kMaxConnections ? POLLIN : 0), 0});
    for (const auto& c : connections_) {
      fds.push_back({c.fd.get(), static_cast<short>(c.writing() ? POLLOUT : POLLIN), 0});
    }
    const int ready = ::poll(fds.data(), fds.size(), poll_timeout(now));
    if (ready < 0 && errno != EINTR) return Error(Errc::failure, "the agent's poll failed");
    if (ready <= 0) continue;

    if ((fds[0].revents & POLLIN) != 0) {
      signalfd_siginfo info{};
      if (::read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        lock("signal", nullptr);
        record(audit::AuditEvent{.op = "agent-stop", .reason = "signal"}, nullptr);
        stopping_ = true;
        break;
      }
    }
    if ((fds[1].revents & POLLIN) != 0) accept_connections();
    std::size_t i = 2;
    for (auto& c : connections_) {
      if (i >= fds.size()) break;  // accepted in this round: polled next time
      const short revents = fds[i++].revents;
      if (c.done || revents == 0) continue;
      if ((revents & POLLOUT) != 0) {
        on_writable(c);
      } else if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        on_readable(c);
      }
    }
  }
  // Flush the answer to a stop request, briefly, before going away.
  for (auto& c : connections_) {
    for (int tries = 0; c.writing() && tries < 100; ++tries) {
      on_writable(c);
      if (c.writing()) {
        pollfd p{c.fd.get(), POLLOUT, 0};
        ::poll(&p, 1, 10);
      }
    }
  }
  lock("stopped", nullptr);
  connections_.clear();
  ::unlink(options_.socket_path.c_str());
  if (options_.socket_directory) ::rmdir(options_.socket_directory->c_str());
  return {};
}

void Server::accept_connections() {
  while (connections_.size() < kMaxConnections) {
    Fd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd.valid()) return;  // EAGAIN: no more waiting
    auto peer = peer_credentials(fd.get());
    if (!peer) continue;
    if (peer->uid != ::getuid()) {
      // Another user reached the socket (its directory or mode were loosened):
      // refuse, say why, and leave a trace.
      record(audit::AuditEvent{.op = "agent-refuse", .outcome = format::AuditOutcome::denied, .reason = "other user"},
             &*peer);
      const auto reply = error_reply(Error(Errc::denied, "the agent serves only uid " + std::to_string(::getuid()) +
                                                             "; uid " + std::to_string(peer->uid) + " is refused",
                                           "start an agent of your own with 'vaultx agent start'"));
      (void)!::send(fd.get(), reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      continue;
    }
    Connection c;
    c.fd = std::move(fd);
    c.peer = *peer;
    connections_.push_back(std::move(c));
  }
}

void Server::on_readable(Connection& c) {
  while (!c.writing() && !c.done) {
    ssize_t n = 0;
    if (!c.reading_body) {
      n = ::recv(c.fd.get(), c.prefix.data() + c.prefix_got, c.prefix.size() - c.prefix_got, 0);
      if (n > 0) {
        if (c.prefix_got == 0) c.frame_started = now_ms();
        c.prefix_got += static_cast<std::size_t>(n);
        if (c.prefix_got == c.prefix.size()) {
          const auto length = format::decode_agent_length(c.prefix);
          if (!length) {
            c.done = true;  // not our protocol, or an absurd size: drop it unread
            return;
          }
          c.body = secure::SecretBytes(*length);
          c.body_got = 0;
          c.reading_body = true;
        }
      }
    } else {
      n = ::recv(c.fd.get(), c.body.data() + c.body_got, c.body.size() - c.body_got, 0);
      if (n > 0) c.body_got += static_cast<std::size_t>(n);
    }
    if (n == 0) {
      c.done = true;  // the client hung up
      return;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) c.done = true;
      return;
    }
    if (c.reading_body && c.body_got == c.body.size()) {
      auto request = format::decode_agent_body(c.body.span());
      if (!request) {
        c.out = error_reply(request.error());
      } else if (!format::is_agent_request(request->type)) {
        c.out = error_reply(Error(Errc::failure, "malformed agent message: an answer where a request belongs"));
      } else {
        c.out = handle(c, *request);
      }
      c.out_sent = 0;
      c.body = secure::SecretBytes();  // wiped: it may hold a passphrase or a value
      c.reading_body = false;
      c.prefix_got = 0;
      on_writable(c);
    }
  }
}

void Server::on_writable(Connection& c) {
  while (c.writing()) {
    const ssize_t n = ::send(c.fd.get(), c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) c.done = true;
      return;
    }
    c.out_sent += static_cast<std::size_t>(n);
  }
  c.out = secure::SecretBytes();  // wiped: it may hold values
  c.out_sent = 0;
}

// ---------------------------------------------------------------- state

void Server::record(audit::AuditEvent event, const PeerCredentials* peer) {
  audit::stamp(event);
  if (peer != nullptr) {
    event.uid = static_cast<std::uint32_t>(peer->uid);
    event.pid = static_cast<std::uint32_t>(peer->pid);
    event.user = user_name(peer->uid);
  }
  const auto trail = audit::AuditTrail::for_store(options_.state_dir, store_.header().store_id);
  std::optional<secure::SecretBytes> key;
  if (vault_) key = vault_->audit_key();
  auto appended = trail.append(event, key ? &*key : nullptr);
  if (!appended) warn("the audit trail could not be written: " + appended.error().message);
}

void Server::warn(const std::string& message) const {
  if (options_.foreground) std::cerr << "vaultx agent: warning: " << message << std::endl;
}

void Server::lock(const std::string& reason, const PeerCredentials* peer) {
  if (!vault_) return;
  // Recorded while the audit key is still held, so the record is authenticated.
  record(audit::AuditEvent{.op = "agent-lock", .reason = reason}, peer);
  vault_.reset();  // SecretBytes wipe the master and index keys
}

// ---------------------------------------------------------------- requests

Error Server::denial_error(Denial denial, const std::string& token_id, const std::string& detail) const {
  const std::string who = "token " + token_id;
  switch (denial) {
    case Denial::unknown_token:
      return Error(Errc::denied, "the agent does not know this token (VAULTX_AGENT_TOKEN)",
                   "tokens last only as long as the agent; ask its owner for a new one ('vaultx agent grant')");
    case Denial::revoked:
      return Error(Errc::denied, who + " was revoked", "ask the agent's owner for a new one ('vaultx agent grant')");
    case Denial::expired:
      return Error(Errc::denied, who + " has expired", "ask the agent's owner for a new one ('vaultx agent grant')");
    case Denial::exhausted:
      return Error(Errc::denied, who + " has no uses left", "ask the agent's owner for a new one ('vaultx agent grant')");
    case Denial::scope: return Error(Errc::denied, who + " may not read " + detail, "it may read only its scopes");
    case Denial::rate:
      return Error(Errc::denied, who + " is over its rate limit (" + detail + ")", "wait, then try again");
    case Denial::not_allowed:
      return Error(Errc::denied, who + " may only read its scopes, not " + detail,
                   "use the owner's token (from 'vaultx agent start') for this");
  }
  return Error(Errc::denied, who + " was refused");
}

Caller Server::identify(const Connection& c, const AgentFrame& request, Millis now, secure::SecretBytes& refusal) {
  const auto token = request.find(AgentTag::token);
  Caller caller;
  if (!token) {
    // Only status and lock are open to every process of the agent's user.
    refusal = error_reply(Error(Errc::denied,
                                std::string(format::agent_message_name(request.type)) + " needs a token (VAULTX_AGENT_TOKEN)",
                                "use the owner's token from 'vaultx agent start', or one from 'vaultx agent grant'"));
    return caller;
  }
  const auto raw = format::decode_agent_token(as_text(*token));
  caller.token_id = raw ? format::agent_token_id(raw->span()) : "(malformed)";
  auto who = grants_.identify(as_text(*token), now);
  if (auto* holder = std::get_if<Holder>(&who)) {
    caller.holder = *holder;
    if (holder->owner) caller.token_id = "owner";
    return caller;
  }
  const Denial denial = std::get<Denial>(who);
  const bool read = request.type == AgentMessage::get || request.type == AgentMessage::scope_values;
  audit::AuditEvent event{.op = read ? "agent-read" : "agent-refuse", .outcome = format::AuditOutcome::denied,
                          .reason = std::string(denial_reason(denial)), .command = caller.token_id};
  if (request.type == AgentMessage::scope_values) event.scopes = texts(request.all(AgentTag::scope));
  if (request.type == AgentMessage::get) event.names = {request.text(AgentTag::name)};
  record(std::move(event), &c.peer);
  refusal = error_reply(denial_error(denial, caller.token_id, ""));
  return caller;
}

Status Server::check_store(const AgentFrame& request) const {
  if (!vault_) {
    return Error(Errc::unlock, "the agent is locked", "unlock it with 'vaultx unlock'");
  }
  const auto id = request.find(AgentTag::store_id);
  if (!id || !std::equal(id->begin(), id->end(), store_.header().store_id.begin())) {
    return Error(Errc::unlock, "the agent serves another store (" + store_.paths().root.string() + ")",
                 "point VAULTX_AGENT_SOCK at the agent of this store, or unset it");
  }
  return {};
}

secure::SecretBytes Server::handle(const Connection& c, const AgentFrame& request) {
  const Millis now = now_ms();
  switch (request.type) {
    case AgentMessage::status: return status(request, now);
    case AgentMessage::lock:
      lock("requested", &c.peer);
      return ok_reply();
    default: break;
  }
  secure::SecretBytes refusal;
  const Caller caller = identify(c, request, now, refusal);
  if (!caller.holder) return refusal;
  if (!caller.holder->owner) return holder_read(c, request, caller, now);

  switch (request.type) {
    case AgentMessage::unlock: return unlock(c, request);
    case AgentMessage::stop:
      lock("stopped", &c.peer);
      record(audit::AuditEvent{.op = "agent-stop", .reason = ""}, &c.peer);
      stopping_ = true;
      return ok_reply();
    case AgentMessage::grant: return grant(c, request, now);
    case AgentMessage::revoke: return revoke(c, request);
    default: break;
  }
  if (auto st = check_store(request); !st) return error_reply(st.error());
  touch(now);
  if (request.type == AgentMessage::scope_values) return scope_values_reply(texts(request.all(AgentTag::scope)));
  return owner_store_request(request);
}

secure::SecretBytes Server::status(const AgentFrame& request, Millis now) {
  AgentWriter w(AgentMessage::status_reply);
  w.u8(AgentTag::state, vault_ ? 1 : 0);
  w.u64(AgentTag::pid, static_cast<std::uint64_t>(::getpid()));
  w.text(AgentTag::path, clip(store_.paths().root.string()));
  w.bytes(AgentTag::store_id, store_.header().store_id);
  if (vault_) {
    w.u64(AgentTag::idle_left, seconds_left(last_use_ + options_.idle_timeout_seconds * 1000, now));
    w.u64(AgentTag::lifetime_left, seconds_left(unlocked_at_ + options_.max_lifetime_seconds * 1000, now));
  }
  const auto token = request.find(AgentTag::token);
  const auto who = token ? grants_.identify(as_text(*token), now) : std::variant<Holder, Denial>(Denial::unknown_token);
  // Whether the token sent is still good (exec --broker asks this often, to
  // cut access the moment a grant is revoked); nothing is charged or recorded.
  if (token) w.u8(AgentTag::flag, std::holds_alternative<Holder>(who) ? 1 : 0);
  // Only the owner sees the grants.
  if (const auto* holder = std::get_if<Holder>(&who); holder != nullptr && holder->owner) {
    for (const auto& g : grants_.list(now)) {
      auto body = AgentWriter::group_body();
      body.text(AgentTag::token_id, g.id);
      for (const auto& s : g.scopes) body.text(AgentTag::scope, s);
      if (g.ttl_left) body.u64(AgentTag::ttl, static_cast<std::uint64_t>(std::max<std::int64_t>(1, *g.ttl_left)));
      if (g.uses_left) body.u64(AgentTag::uses, *g.uses_left);
      if (g.rate) {
        body.u64(AgentTag::rate_count, g.rate->count);
        body.u64(AgentTag::rate_period, static_cast<std::uint64_t>(g.rate->period_seconds));
      }
      w.group(AgentTag::grant, body);
    }
  }
  return std::move(w).finish();
}

secure::SecretBytes Server::unlock(const Connection& c, const AgentFrame& request) {
  const auto passphrase = secure::SecretBytes::copy_of(*request.find(AgentTag::passphrase));
  // Re-read the store: its header may have changed since the agent started.
  auto reopened = store::Store::open(store_.paths().root);
  if (!reopened) return error_reply(reopened.error());
  if (reopened->header().store_id != store_.header().store_id) {
    return error_reply(Error(Errc::integrity, "the store at " + store_.paths().root.string() +
                                                  " was replaced by another one since the agent started",
                             "stop this agent and start a new one"));
  }
  reopened->track_versions(options_.state_dir);
  reopened->cache_listings(options_.state_dir);
  auto vault = reopened->unlock_with_passphrase(passphrase);
  if (!vault) {
    record(audit::AuditEvent{.op = "agent-unlock", .outcome = format::AuditOutcome::failed,
                             .reason = vault.error().code == Errc::unlock ? "wrong passphrase" : "cannot unlock"},
           &c.peer);
    return error_reply(vault.error());
  }
  // The same checks as a full unlock in the CLI: a substituted master key or
  // an unendorsed recipient file is refused here too.
  if (auto accepted = config::accept_full_unlock(*vault, options_.state_dir); !accepted) {
    record(audit::AuditEvent{.op = "agent-unlock", .outcome = format::AuditOutcome::failed,
                             .reason = "store not accepted"},
           &c.peer);
    return error_reply(accepted.error());
  }
  store_ = std::move(*reopened);
  vault_.emplace(std::move(*vault));
  unlocked_at_ = last_use_ = now_ms();
  record(audit::AuditEvent{.op = "agent-unlock"}, &c.peer);
  return ok_reply();
}

secure::SecretBytes Server::grant(const Connection& c, const AgentFrame& request, Millis now) {
  GrantSpec spec;
  spec.scopes = texts(request.all(AgentTag::scope));
  if (const auto ttl = request.u64(AgentTag::ttl)) {
    if (*ttl > static_cast<std::uint64_t>(100) * 365 * 86400) {
      return error_reply(Error(Errc::usage, "--ttl is longer than a hundred years"));
    }
    spec.ttl_seconds = static_cast<std::int64_t>(*ttl);
  }
  spec.uses = request.u64(AgentTag::uses);
  const auto count = request.u64(AgentTag::rate_count);
  const auto period = request.u64(AgentTag::rate_period);
  if (count.has_value() != period.has_value()) {
    return error_reply(Error(Errc::usage, "a rate needs both a count and a period"));
  }
  if (count) {
    if (*period > 86400 * 365) return error_reply(Error(Errc::usage, "--rate period is too long"));
    spec.rate = Rate{*count, static_cast<std::int64_t>(*period)};
  }
  // A grant names scopes that exist now; it is resolved again at each read.
  auto config = config::load_config(store_.paths().config());
  if (!config) return error_reply(config.error());
  for (const auto& s : spec.scopes) {
    if (config->scopes.count(s) == 0) {
      return error_reply(Error(Errc::not_found, "no scope named '" + s + "' in " + config->source,
                               "define it as [scopes." + s + "] in vaultx.toml first"));
    }
  }
  auto issued = grants_.issue(spec, now);
  touch(now);
  record(audit::AuditEvent{.op = "agent-grant", .scopes = spec.scopes, .command = issued.id}, &c.peer);
  AgentWriter w(AgentMessage::granted);
  w.bytes(AgentTag::token, issued.token.span());
  w.text(AgentTag::token_id, issued.id);
  return std::move(w).finish();
}

secure::SecretBytes Server::revoke(const Connection& c, const AgentFrame& request) {
  const bool all = request.u8(AgentTag::flag).value_or(0) == 1;
  const auto id = request.find(AgentTag::token_id);
  if (all == id.has_value()) return error_reply(Error(Errc::usage, "revoke one token, or --all"));
  std::uint64_t count = 0;
  if (all) {
    count = grants_.revoke_all();
    record(audit::AuditEvent{.op = "agent-revoke", .reason = "", .command = "all"}, &c.peer);
  } else {
    const std::string which(as_text(*id));
    if (!grants_.revoke(which)) {
      return error_reply(Error(Errc::not_found, "the agent has no live grant " + which,
                               "list them with 'vaultx agent status'"));
    }
    count = 1;
    record(audit::AuditEvent{.op = "agent-revoke", .command = which}, &c.peer);
  }
  AgentWriter w(AgentMessage::revoked);
  w.u64(AgentTag::count, count);
  return std::move(w).finish();
}

Result<std::vector<std::string>> Server::names_of_scopes(const std::vector<std::string>& scopes) {
  VAULTX_ASSIGN(auto config, config::load_config(store_.paths().config()));
  VAULTX_ASSIGN(auto candidates, exec::candidate_names(*vault_, config, scopes));
  VAULTX_ASSIGN(auto injections, config::resolve_scopes(config, scopes, candidates));
  std::vector<std::string> names;
  for (auto& i : injections) names.push_back(std::move(i.secret));
  return names;
}

secure::SecretBytes Server::scope_values_reply(const std::vector<std::string>& scopes, std::vector<std::string>* names,
                                               bool* failed) {
  auto fail = [failed](const Error& e) {
    if (failed != nullptr) *failed = true;
    return error_reply(e);
  };
  auto config = config::load_config(store_.paths().config());
  if (!config) return fail(config.error());
  auto secrets = exec::load_scope_secrets(*vault_, *config, scopes);
  if (!secrets) return fail(secrets.error());
  AgentWriter w(AgentMessage::scope_values_reply);
  for (const auto& s : *secrets) {
    auto body = AgentWriter::group_body();
    body.text(AgentTag::variable, s.variable);
    body.text(AgentTag::name, s.secret_name);
    body.meta(AgentTag::meta, s.meta);
    body.bytes(AgentTag::value, s.value.span());
    w.group(AgentTag::secret, body);
    if (names != nullptr) names->push_back(s.secret_name);
    if (w.size() > format::kMaxAgentFrameBytes) {
      return fail(Error(Errc::failure, "the secrets of scope(s) " + join(scopes) + " exceed 16 MiB",
                               "read them without the agent, or split the scope"));
    }
  }
  return std::move(w).finish();
}

secure::SecretBytes Server::holder_read(const Connection& c, const AgentFrame& request, const Caller& caller,
                                        Millis now) {
  const Holder& holder = *caller.holder;
  const bool is_get = request.type == AgentMessage::get;
  audit::AuditEvent event{.op = "agent-read", .scopes = holder.scopes, .command = caller.token_id};
  auto deny = [&](Denial denial, const std::string& detail) {
    event.outcome = format::AuditOutcome::denied;
    event.reason = std::string(denial_reason(denial));
    record(event, &c.peer);
    return error_reply(denial_error(denial, caller.token_id, detail));
  };
  if (!is_get && request.type != AgentMessage::scope_values) {
    event.op = "agent-refuse";
    return deny(Denial::not_allowed, std::string(format::agent_message_name(request.type)));
  }
  if (auto st = check_store(request); !st) return error_reply(st.error());

  std::vector<std::string> wanted_scopes;
  std::string name;
  if (is_get) {
    name = request.text(AgentTag::name);
    event.names = {name};
    auto allowed = names_of_scopes(holder.scopes);
    if (!allowed) return error_reply(allowed.error());
    if (std::find(allowed->begin(), allowed->end(), name) == allowed->end()) {
      return deny(Denial::scope, "'" + name + "': it is not in scope(s) " + join(holder.scopes));
    }
  } else {
    wanted_scopes = texts(request.all(AgentTag::scope));
    event.scopes = wanted_scopes;
    for (const auto& s : wanted_scopes) {
      if (std::find(holder.scopes.begin(), holder.scopes.end(), s) == holder.scopes.end()) {
        return deny(Denial::scope, "scope '" + s + "' (it may read: " + join(holder.scopes) + ")");
      }
    }
  }
  if (const auto denial = grants_.charge(holder.id, now)) {
    std::string detail;
    for (const auto& g : grants_.list(now)) {
      if (g.id == holder.id && g.rate) detail = format_rate(*g.rate);
    }
    return deny(*denial, detail);
  }
  touch(now);
  if (is_get) {
    auto secret = vault_->get(name);
    if (!secret) {
      event.outcome = format::AuditOutcome::failed;
      event.reason = "not found";
      record(event, &c.peer);
      return error_reply(secret.error());
    }
    record(event, &c.peer);
    AgentWriter w(AgentMessage::secret);
    w.text(AgentTag::name, secret->name);
    w.meta(AgentTag::meta, secret->meta);
    w.bytes(AgentTag::value, secret->value.span());
    return std::move(w).finish();
  }
  bool failed = false;
  auto reply = scope_values_reply(wanted_scopes, &event.names, &failed);
  if (failed) {
    event.outcome = format::AuditOutcome::failed;
    event.reason = "failure";
  }
  record(event, &c.peer);
  return reply;
}

secure::SecretBytes Server::owner_store_request(const AgentFrame& request) {
  store::Vault& vault = *vault_;
  switch (request.type) {
    case AgentMessage::get: {
      auto secret = vault.get(request.text(AgentTag::name));
      if (!secret) return error_reply(secret.error());
      AgentWriter w(AgentMessage::secret);
      w.text(AgentTag::name, secret->name);
      w.meta(AgentTag::meta, secret->meta);
      w.bytes(AgentTag::value, secret->value.span());
      return std::move(w).finish();
    }
    case AgentMessage::list: {
      auto listing = vault.list(request.text(AgentTag::prefix));
      if (!listing) return error_reply(listing.error());
      AgentWriter w(AgentMessage::listing);
      for (const auto& e : listing->entries) {
        auto body = AgentWriter::group_body();
        body.text(AgentTag::name, e.name);
        body.meta(AgentTag::meta, e.meta);
        w.group(AgentTag::entry, body);
      }
      for (const auto& p : listing->problems) {
        auto body = AgentWriter::group_body();
        body.u8(AgentTag::errc, static_cast<std::uint8_t>(p.code));
        body.text(AgentTag::message, clip(p.message));
        body.text(AgentTag::hint, clip(p.hint));
        w.group(AgentTag::problem, body);
      }
      if (w.size() > format::kMaxAgentFrameBytes) {
        return error_reply(Error(Errc::failure, "the listing is too large for the agent", "list without the agent"));
      }
      return std::move(w).finish();
    }
    case AgentMessage::contains: {
      AgentWriter w(AgentMessage::contains_reply);
      w.u8(AgentTag::flag, vault.contains(request.text(AgentTag::name)) ? 1 : 0);
      return std::move(w).finish();
    }
    case AgentMessage::put: {
      const auto flags = request.u64(AgentTag::put_flags).value_or(0);
      store::PutOptions options;
      options.must_exist = (flags & format::kPutMustExist) != 0;
      options.must_change = (flags & format::kPutMustChange) != 0;
      options.must_not_exist = (flags & format::kPutMustNotExist) != 0;
      if ((flags & format::kPutSetExpires) != 0) {
        const auto expires = request.u64(AgentTag::expires);
        options.expires = expires ? std::optional<format::UnixSeconds>(static_cast<format::UnixSeconds>(*expires))
                                  : std::optional<format::UnixSeconds>();
      }
      const auto value = secure::SecretBytes::copy_of(*request.find(AgentTag::value));
      auto outcome = vault.put(request.text(AgentTag::name), value, options);
      if (!outcome) return error_reply(outcome.error());
      AgentWriter w(AgentMessage::put_reply);
      w.u8(AgentTag::put_result, static_cast<std::uint8_t>(outcome->result));
      w.meta(AgentTag::meta, outcome->meta);
      return std::move(w).finish();
    }
    case AgentMessage::remove: {
      auto st = vault.remove(request.text(AgentTag::name));
      return st ? ok_reply() : error_reply(st.error());
    }
    case AgentMessage::rename: {
      auto st = vault.rename(request.text(AgentTag::name), request.text(AgentTag::new_name),
                             request.u8(AgentTag::flag).value_or(0) == 1);
      return st ? ok_reply() : error_reply(st.error());
    }
    default: break;
  }
  return error_reply(Error(Errc::failure, "the agent does not serve " +
                                              std::string(format::agent_message_name(request.type)) + " requests"));
}

}  // namespace

Status run_agent(const AgentOptions& options, store::Store store, Fd listener, GrantTable grants) {
  Server server(options, std::move(store), std::move(listener), std::move(grants));
  return server.run();
}

}  // namespace vaultx::agent
