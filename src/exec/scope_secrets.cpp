#include <vaultx/exec/scope_secrets.hpp>

#include <algorithm>

namespace vaultx::exec {

namespace {
// Every pattern the scopes mention: their `secrets` entries and the targets
// of their `env` mappings. Unknown scopes are left to resolve_scopes to report.
std::vector<std::string> patterns_of(const config::Config& config, const std::vector<std::string>& scopes) {
  std::vector<std::string> patterns;
  for (const auto& name : scopes) {
    const auto it = config.scopes.find(name);
    if (it == config.scopes.end()) continue;
    patterns.insert(patterns.end(), it->second.secrets.begin(), it->second.secrets.end());
    for (const auto& [variable, secret] : it->second.env) patterns.push_back(secret);
  }
  return patterns;
}
}  // namespace

Result<std::vector<std::string>> candidate_names(const store::SecretAccess& vault, const config::Config& config,
                                                 const std::vector<std::string>& scopes) {
  const auto patterns = patterns_of(config, scopes);
  if (std::any_of(patterns.begin(), patterns.end(), [](const auto& p) { return config::is_glob(p); })) {
    VAULTX_ASSIGN(auto listing, vault.list(""));
    if (!listing.problems.empty()) return listing.problems.front();
    std::vector<std::string> names;
    for (auto& e : listing.entries) names.push_back(std::move(e.name));
    return names;
  }
  std::vector<std::string> names;
  for (const auto& p : patterns) {
    if (config::validate_pattern(p).ok() && vault.contains(p)) names.push_back(p);
  }
  return names;
}

Result<std::vector<ScopeSecret>> load_scope_secrets(const store::SecretAccess& vault, const config::Config& config,
                                                    const std::vector<std::string>& scopes) {
  VAULTX_ASSIGN(auto names, candidate_names(vault, config, scopes));
  VAULTX_ASSIGN(auto injections, config::resolve_scopes(config, scopes, names));
  std::vector<ScopeSecret> out;
  out.reserve(injections.size());
  for (auto& injection : injections) {
    VAULTX_ASSIGN(auto secret, vault.get(injection.secret));
    out.push_back(ScopeSecret{std::move(injection.variable), std::move(injection.secret), secret.meta,
                              std::move(secret.value)});
  }
  return out;
}

}  // namespace vaultx::exec
