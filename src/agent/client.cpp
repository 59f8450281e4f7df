#include <vaultx/agent/client.hpp>

#include <algorithm>

namespace vaultx::agent {

namespace {

using format::AgentMessage;
using format::AgentTag;
using format::AgentWriter;

Error unexpected_reply(AgentMessage got) {
  return Error(Errc::failure, "the agent sent an unexpected answer (" + std::string(format::agent_message_name(got)) + ")",
               "run the same version of vaultx for the agent and its clients");
}

Error error_from(const format::AgentFrame& frame) {
  const auto code = frame.u8(AgentTag::errc).value_or(0);
  return Error(static_cast<Errc>(code), frame.text(AgentTag::message), frame.text(AgentTag::hint));
}

format::StoreId store_id_of(ByteView b) {
  format::StoreId id{};
  std::copy(b.begin(), b.end(), id.begin());
  return id;
}

}  // namespace

Result<AgentConnection> AgentConnection::open(const fs::path& socket, std::optional<secure::SecretBytes> token) {
  VAULTX_ASSIGN(auto fd, connect_unix(socket));
  return AgentConnection(std::move(fd), socket, std::move(token));
}

Result<AgentConnection::Reply> AgentConnection::call(AgentWriter request, AgentMessage expected) {
  const auto sent = send_frame(fd_.get(), std::move(request).finish());
  if (!sent) {
    // The agent may have refused us (another user) and hung up before we were
    // done writing: its refusal is still there to read, and says more.
    auto refusal = receive_frame(fd_.get());
    if (refusal) {
      auto frame = format::decode_agent_body(refusal->span());
      if (frame && frame->type == AgentMessage::error) return error_from(*frame);
    }
    return sent.error();
  }
  VAULTX_ASSIGN(auto body, receive_frame(fd_.get()));
  VAULTX_ASSIGN(auto frame, format::decode_agent_body(body.span()));
  if (frame.type == AgentMessage::error) return error_from(frame);
  if (frame.type != expected) return unexpected_reply(frame.type);
  // The frame's views point into body's guarded block, which moving keeps in place.
  return Reply{std::move(body), std::move(frame)};
}

Result<AgentWriter> AgentConnection::with_token(AgentMessage type) const {
  if (!token_) {
    return Error(Errc::unlock, "VAULTX_AGENT_TOKEN is not set: the agent at " + socket_.string() + " needs a token",
                 "eval the output of 'vaultx agent start' again, or ask the agent's owner for 'vaultx agent grant'");
  }
  AgentWriter w(type);
  w.text(AgentTag::token, token_->view());
  return w;
}

AgentWriter AgentConnection::with_store(AgentWriter w, const format::StoreId& store) {
  w.bytes(AgentTag::store_id, store);
  return w;
}

Result<AgentStatus> AgentConnection::status() {
  AgentWriter w(AgentMessage::status);
  if (token_) w.text(AgentTag::token, token_->view());
  VAULTX_ASSIGN(auto reply, call(std::move(w), AgentMessage::status_reply));
  const auto& f = reply.frame;
  AgentStatus st;
  st.unlocked = f.u8(AgentTag::state).value_or(0) == 1;
  st.pid = f.u64(AgentTag::pid).value_or(0);
  st.store_path = f.text(AgentTag::path);
  if (const auto id = f.find(AgentTag::store_id)) st.store_id = store_id_of(*id);
  st.idle_left = f.u64(AgentTag::idle_left);
  st.lifetime_left = f.u64(AgentTag::lifetime_left);
  if (const auto live = f.u8(AgentTag::flag)) st.token_live = *live == 1;
  for (const auto& g : f.all(AgentTag::grant)) {
    VAULTX_ASSIGN(auto group, format::decode_agent_group(AgentTag::grant, g));
    GrantInfo info;
    info.id = group.text(AgentTag::token_id);
    for (const auto& s : group.all(AgentTag::scope)) info.scopes.emplace_back(as_text(s));
    if (const auto ttl = group.u64(AgentTag::ttl)) info.ttl_left = static_cast<std::int64_t>(*ttl);
    info.uses_left = group.u64(AgentTag::uses);
    const auto count = group.u64(AgentTag::rate_count);
    const auto period = group.u64(AgentTag::rate_period);
    if (count && period) info.rate = Rate{*count, static_cast<std::int64_t>(*period)};
    st.grants.push_back(std::move(info));
  }
  return st;
}

Status AgentConnection::unlock(const secure::SecretBytes& passphrase) {
  VAULTX_ASSIGN(auto w, with_token(AgentMessage::unlock));
  w.bytes(AgentTag::passphrase, passphrase.span());
  VAULTX_TRY(call(std::move(w), AgentMessage::ok));
  return {};
}

Status AgentConnection::lock() {
  AgentWriter w(AgentMessage::lock);
  if (token_) w.text(AgentTag::token, token_->view());
  VAULTX_TRY(call(std::move(w), AgentMessage::ok));
  return {};
}

Status AgentConnection::stop() {
  VAULTX_ASSIGN(auto w, with_token(AgentMessage::stop));
  VAULTX_TRY(call(std::move(w), AgentMessage::ok));
  return {};
}

Result<Issued> AgentConnection::grant(const GrantSpec& spec) {
  VAULTX_ASSIGN(auto w, with_token(AgentMessage::grant));
  for (const auto& s : spec.scopes) w.text(AgentTag::scope, s);
  if (spec.ttl_seconds) w.u64(AgentTag::ttl, static_cast<std::uint64_t>(*spec.ttl_seconds));
  if (spec.uses) w.u64(AgentTag::uses, *spec.uses);
  if (spec.rate) {
    w.u64(AgentTag::rate_count, spec.rate->count);
    w.u64(AgentTag::rate_period, static_cast<std::uint64_t>(spec.rate->period_seconds));
  }
  VAULTX_ASSIGN(auto reply, call(std::move(w), AgentMessage::granted));
  const auto token = reply.frame.find(AgentTag::token);
  return Issued{secure::SecretBytes::copy_of(*token), reply.frame.text(AgentTag::token_id)};
}

Result<std::uint64_t> AgentConnection::revoke(const std::optional<std::string>& id) {
  VAULTX_ASSIGN(auto w, with_token(AgentMessage::revoke));
  if (id) w.text(AgentTag::token_id, *id);
  w.u8(AgentTag::flag, id ? 0 : 1);
  VAULTX_ASSIGN(auto reply, call(std::move(w), AgentMessage::revoked));
  return reply.frame.u64(AgentTag::count).value_or(0);
}

Result<store::Secret> AgentConnection::get(const format::StoreId& store, std::string_view name) {
  VAULTX_ASSIGN(auto w, with_token(AgentMessage::get));
  w = with_store(std::move(w), store);
  w.text(AgentTag::name, name);
  VAULTX_ASSIGN(auto reply, call(std::move(w), AgentMessage::secret));
  const auto& f = reply.frame;
  return store::Secret{f.text(AgentTag::name), format::agent_meta(*f.find(AgentTag::meta)),
                       secure::SecretBytes::copy_of(*f.find(AgentTag::value))};
}

Result<store::Listing> AgentConnection::list(const format::StoreId& store, std::string_view prefix) {
  VAULTX_ASSIGN(auto w, with_token(AgentMessage::list));
  w = with_store(std::move(w), store);
  w.text(AgentTag::prefix, prefix);
  VAULTX_ASSIGN(auto reply, call(std::move(w), AgentMessage::listing));
  store::Listing listing;
  for (const auto& e : reply.frame.all(AgentTag::entry)) {
    VAULTX_ASSIGN(auto group, format::decode_agent_group(AgentTag::entry, e));
    listing.entries.push_back(store::Entry{group.text(AgentTag::name), format::agent_meta(*group.find(AgentTag::meta))});
  }
  for (const auto& p : reply.frame.all(AgentTag::problem)) {
    VAULTX_ASSIGN(auto group, format::decode_agent_group(AgentTag::problem, p));
    listing.problems.push_back(error_from(group));
  }
  return listing;
}

Result<bool> AgentConnection::contains(const format::StoreId& store, std::string_view name) {
  VAULTX_ASSIGN(auto w, with_token(AgentMessage::contains));
  w = with_store(std::move(w), store);
  w.text(AgentTag::name, name);
  VAULTX_ASSIGN(auto reply, call(std::move(w), AgentMessage::contains_reply));
  return reply.frame.u8(AgentTag::flag).value_or(0) == 1;
}

Result<store::PutOutcome> AgentConnection::put(const format::StoreId& store, std::string_view name,
                                               const secure::SecretBytes& value, const store::PutOptions& options) {
  VAULTX_ASSIGN(auto w, with_token(AgentMessage::put));
  w = with_store(std::move(w), store);
  w.text(AgentTag::name, name);
  w.bytes(AgentTag::value, value.span());
  std::uint64_t flags = 0;
  if (options.must_exist) flags |= format::kPutMustExist;
  if (options.must_change) flags |= format::kPutMustChange;
  if (options.must_not_exist) flags |= format::kPutMustNotExist;
  if (options.expires) flags |= format::kPutSetExpires;
  w.u64(AgentTag::put_flags, flags);
  if (options.expires && *options.expires) w.i64(AgentTag::expires, **options.expires);
  VAULTX_ASSIGN(auto reply, call(std::move(w), AgentMessage::put_reply));
  return store::PutOutcome{static_cast<store::PutResult>(reply.frame.u8(AgentTag::put_result).value_or(0)),
                           format::agent_meta(*reply.frame.find(AgentTag::meta))};
}

Status AgentConnection::remove(const format::StoreId& store, std::string_view name) {
  VAULTX_ASSIGN(auto w, with_token(AgentMessage::remove));
  w = with_store(std::move(w), store);
  w.text(AgentTag::name, name);
  VAULTX_TRY(call(std::move(w), AgentMessage::ok));
  return {};
}

Status AgentConnection::rename(const format::StoreId& store, std::string_view from, std::string_view to,
                               bool overwrite) {
  VAULTX_ASSIGN(auto w, with_token(AgentMessage::rename));
  w = with_store(std::move(w), store);
  w.text(AgentTag::name, from);
  w.text(AgentTag::new_name, to);
  w.u8(AgentTag::flag, overwrite ? 1 : 0);
  VAULTX_TRY(call(std::move(w), AgentMessage::ok));
  return {};
}

Result<std::vector<exec::ScopeSecret>> AgentConnection::scope_values(const format::StoreId& store,
                                                                     const std::vector<std::string>& scopes) {
  if (scopes.empty() || scopes.size() > format::kMaxAgentScopes) {
    return Error(Errc::usage, "give 1 to " + std::to_string(format::kMaxAgentScopes) + " scopes");
  }
  VAULTX_ASSIGN(auto w, with_token(AgentMessage::scope_values));
  w = with_store(std::move(w), store);
  for (const auto& s : scopes) w.text(AgentTag::scope, s);
  VAULTX_ASSIGN(auto reply, call(std::move(w), AgentMessage::scope_values_reply));
  std::vector<exec::ScopeSecret> out;
  for (const auto& s : reply.frame.all(AgentTag::secret)) {
    VAULTX_ASSIGN(auto group, format::decode_agent_group(AgentTag::secret, s));
    out.push_back(exec::ScopeSecret{group.text(AgentTag::variable), group.text(AgentTag::name),
                                    format::agent_meta(*group.find(AgentTag::meta)),
                                    secure::SecretBytes::copy_of(*group.find(AgentTag::value))});
  }
  return out;
}

// ---------------------------------------------------------------- AgentClient

Result<store::Secret> AgentClient::get(std::string_view name) const {
  return connection_.get(store_.header().store_id, name);
}

Result<store::Listing> AgentClient::list(std::string_view prefix) const {
  return connection_.list(store_.header().store_id, prefix);
}

bool AgentClient::contains(std::string_view name) const {
  const auto found = connection_.contains(store_.header().store_id, name);
  return found && *found;
}

Result<store::PutOutcome> AgentClient::put(std::string_view name, const secure::SecretBytes& value,
                                           const store::PutOptions& options) {
  return connection_.put(store_.header().store_id, name, value, options);
}

Status AgentClient::remove(std::string_view name) { return connection_.remove(store_.header().store_id, name); }

Status AgentClient::rename(std::string_view from, std::string_view to, bool overwrite) {
  return connection_.rename(store_.header().store_id, from, to, overwrite);
}

Result<std::vector<exec::ScopeSecret>> AgentClient::scope_values(const std::vector<std::string>& scopes) const {
  return connection_.scope_values(store_.header().store_id, scopes);
}

Result<std::vector<exec::ScopeSecret>> load_scope_secrets(const store::SecretAccess& access,
                                                          const config::Config& config,
                                                          const std::vector<std::string>& scopes) {
  if (const auto* agent = dynamic_cast<const AgentClient*>(&access)) return agent->scope_values(scopes);
  return exec::load_scope_secrets(access, config, scopes);
}

}  // namespace vaultx::agent
