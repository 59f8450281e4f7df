#include <vaultx/config/acceptance.hpp>

#include <algorithm>
#include <set>

#include <vaultx/format/encoding.hpp>
#include <vaultx/store/fs.hpp>

namespace vaultx::config {

namespace {

std::set<std::string> members(const Config& config, const std::string& scope, const std::vector<std::string>& names) {
  std::set<std::string> out;
  for (const auto& n : names) {
    const auto s = scopes_of(config, n);
    if (std::binary_search(s.begin(), s.end(), scope)) out.insert(n);
  }
  return out;
}

// Entries of a scope as comparable strings, one kind at a time.
std::set<std::string> entries(const ScopeSpec* spec) {
  std::set<std::string> out;
  if (spec == nullptr) return out;
  for (const auto& s : spec->secrets) out.insert("secrets \"" + s + "\"");
  for (const auto& [var, secret] : spec->env) out.insert("env " + var + " = \"" + secret + "\"");
  for (const auto& a : spec->allow_env) out.insert("allow_env " + a);
  for (const auto& c : spec->commands) out.insert("commands \"" + c + "\"");
  return out;
}

}  // namespace

std::vector<std::string> scopes_of(const Config& config, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [scope, spec] : config.scopes) {
    const bool matched =
        std::any_of(spec.secrets.begin(), spec.secrets.end(), [&](const auto& p) { return glob_match(p, name); }) ||
        std::any_of(spec.env.begin(), spec.env.end(), [&](const auto& e) { return e.second == name; });
    if (matched) out.push_back(scope);
  }
  return out;  // std::map order: sorted
}

Result<std::string> read_config_text(const fs::path& path) {
  auto text = store::read_file(path, kMaxConfigBytes);
  if (!text) {
    if (text.error().code == Errc::not_found) return std::string();
    return std::move(text).error();
  }
  return std::move(*text);
}

AcceptedConfig::AcceptedConfig(const fs::path& state_dir, const format::StoreId& store_id)
    : path_(state_dir / "accepted" / (format::hex_encode(store_id) + ".toml")) {}

Result<std::optional<std::string>> AcceptedConfig::load() const {
  auto text = store::read_file(path_, kMaxConfigBytes);
  if (!text) {
    if (text.error().code == Errc::not_found) return std::optional<std::string>();
    return std::move(text).error();
  }
  return std::optional<std::string>(std::move(*text));
}

Status AcceptedConfig::accept(std::string_view text) const {
  VAULTX_TRY(store::ensure_private_directory(path_.parent_path()));
  return store::write_file_atomic(path_, text);
}

bool is_pending(const std::string& current, const std::optional<std::string>& accepted) {
  return current != accepted.value_or(std::string());
}

Result<Config> load_accepted_config(const fs::path& config_path, const AcceptedConfig& accepted, bool team) {
  if (!team) return load_config(config_path);
  VAULTX_ASSIGN(auto current, read_config_text(config_path));
  VAULTX_ASSIGN(auto known, accepted.load());
  if (is_pending(current, known)) {
    const std::string what = known ? "changed since it was accepted on this machine"
                                   : "has not been accepted on this machine yet (this is a team store)";
    return Error(Errc::usage, config_path.string() + " " + what + ": it is pending and not used",
                 "review the scope changes and accept them with 'vaultx scope sync'");
  }
  std::error_code ec;
  if (current.empty() && !std::filesystem::exists(config_path, ec)) return load_config(config_path);
  return parse_config(current, config_path.string());
}

bool policy_changed(const Config& before, const Config& after) {
  if (before.policy.max_age_seconds != after.policy.max_age_seconds) return true;
  if (before.policy.rules.size() != after.policy.rules.size()) return true;
  for (std::size_t i = 0; i < before.policy.rules.size(); ++i) {
    const auto& a = before.policy.rules[i];
    const auto& b = after.policy.rules[i];
    if (a.match != b.match || a.max_age_seconds != b.max_age_seconds) return true;
  }
  return false;
}

std::vector<ScopeChange> diff_configs(const Config& before, const Config& after,
                                      const std::vector<std::string>& stored_names) {
  std::set<std::string> scopes;
  for (const auto& [name, spec] : before.scopes) scopes.insert(name);
  for (const auto& [name, spec] : after.scopes) scopes.insert(name);
  std::vector<ScopeChange> out;
  for (const auto& scope : scopes) {
    const auto b = before.scopes.find(scope);
    const auto a = after.scopes.find(scope);
    const ScopeSpec* bs = b == before.scopes.end() ? nullptr : &b->second;
    const ScopeSpec* as = a == after.scopes.end() ? nullptr : &a->second;
    ScopeChange change;
    change.scope = scope;
    change.status = bs == nullptr ? "new" : as == nullptr ? "removed" : "changed";
    const auto was = members(before, scope, stored_names);
    const auto now = members(after, scope, stored_names);
    std::set_difference(now.begin(), now.end(), was.begin(), was.end(), std::back_inserter(change.secrets_added));
    std::set_difference(was.begin(), was.end(), now.begin(), now.end(), std::back_inserter(change.secrets_removed));
    const auto eb = entries(bs);
    const auto ea = entries(as);
    for (const auto& e : ea) {
      if (eb.count(e) == 0) change.details.push_back("+ " + e);
    }
    for (const auto& e : eb) {
      if (ea.count(e) == 0) change.details.push_back("- " + e);
    }
    if (change.secrets_added.empty() && change.secrets_removed.empty() && change.details.empty()) continue;
    out.push_back(std::move(change));
  }
  return out;
}

std::string render_changes(const std::vector<ScopeChange>& changes, bool policy) {
  if (changes.empty() && !policy) return "no scope changes\n";
  std::string out;
  for (const auto& c : changes) {
    out += "scope " + c.scope + " (" + c.status + ")\n";
    for (const auto& s : c.secrets_added) out += "  + secret " + s + "\n";
    for (const auto& s : c.secrets_removed) out += "  - secret " + s + "\n";
    for (const auto& d : c.details) out += "    " + d + "\n";
  }
  if (policy) out += "policy changed\n";
  return out;
}

}  // namespace vaultx::config
