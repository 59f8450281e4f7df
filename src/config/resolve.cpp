#include <vaultx/config/config.hpp>

#include <algorithm>
#include <map>
#include <set>

#include <vaultx/format/names.hpp>

#include "glob_segments.hpp"

namespace vaultx::config {

namespace {

// One variable a scope wants set, and where the file asks for it.
struct Candidate {
  std::string variable;
  std::string secret;
  int line;
};

std::string at(const Config& config, int line) {
  return config.source + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": ";
}

int line_of(const std::vector<int>& lines, std::size_t i, int fallback) {
  return i < lines.size() && lines[i] > 0 ? lines[i] : fallback;
}

std::string q(std::string_view text) { return format::quote_for_message(text); }

class Resolver {
 public:
  Resolver(const Config& config, const std::vector<std::string>& stored) : config_(config), stored_(stored) {
    std::sort(stored_.begin(), stored_.end());
    stored_.erase(std::unique(stored_.begin(), stored_.end()), stored_.end());
    split_stored_.reserve(stored_.size());
    for (const std::string& name : stored_) split_stored_.push_back(split_segments(name));
  }

  // Each scope on its own: its allow_env covers only its own variables.
  // Each stored secret becomes at most one default candidate however many
  // entries name or match it, so a hostile file with thousands of patterns
  // costs patterns x names glob tests, never patterns x names candidates.
  Result<std::vector<Candidate>> scope_candidates(const ScopeSpec& scope) {
    std::vector<Candidate> out;
    std::vector<char> taken(stored_.size(), 0);  // mapped in env, or already given its default name
    for (std::size_t i = 0; i < scope.env.size(); ++i) {
      const auto& [variable, secret] = scope.env[i];
      const int line = line_of(scope.env_lines, i, scope.line);
      VAULTX_ASSIGN(const std::size_t k, index_of(scope, secret, line));
      taken[k] = 1;
      out.push_back(Candidate{variable, secret, line});
    }
    std::set<std::string_view> seen_patterns;
    for (std::size_t i = 0; i < scope.secrets.size(); ++i) {
      const std::string& pattern = scope.secrets[i];
      const int line = line_of(scope.secret_lines, i, scope.line);
      if (!seen_patterns.insert(pattern).second) continue;
      if (is_glob(pattern)) {
        // A glob that matches nothing is fine: the scope names a family
        // that may not have members yet.
        const std::vector<std::string_view> split = split_pattern(pattern);
        for (std::size_t k = 0; k < stored_.size(); ++k) {
          if (taken[k] || !glob_match_segments(split, split_stored_[k], scratch_)) continue;
          taken[k] = 1;
          out.push_back(Candidate{format::default_env_name(stored_[k]), stored_[k], line});
        }
      } else {
        VAULTX_ASSIGN(const std::size_t k, index_of(scope, pattern, line));
        if (taken[k]) continue;
        taken[k] = 1;
        out.push_back(Candidate{format::default_env_name(pattern), pattern, line});
      }
    }
    for (const Candidate& c : out) VAULTX_TRY(check_variable(scope, c));
    return out;
  }

  // Adds a scope's candidates; a variable may carry only one secret, within
  // a scope and across scopes.
  Status merge(const ScopeSpec& scope, const std::vector<Candidate>& candidates) {
    for (const Candidate& c : candidates) {
      const auto [it, inserted] = chosen_.try_emplace(c.variable, Chosen{c.secret, scope.name, c.line});
      if (inserted || it->second.secret == c.secret) continue;
      const Chosen& first = it->second;
      const std::string who = first.scope == scope.name
                                  ? "scope " + q(scope.name) + ":"
                                  : "scopes " + q(first.scope) + " and " + q(scope.name) + ":";
      return Error(Errc::usage,
                   at(config_, c.line) + who + " secrets " + q(first.secret) + " (line " +
                       std::to_string(first.line) + ") and " + q(c.secret) + " both map to variable " + c.variable,
                   "give one of them its own name in the scope's env table, e.g. env = { OTHER_NAME = " +
                       std::string("\"") + c.secret + "\" }");
    }
    return {};
  }

  [[nodiscard]] std::vector<Injection> injections() const {
    std::vector<Injection> out;
    out.reserve(chosen_.size());
    for (const auto& [variable, chosen] : chosen_) out.push_back(Injection{variable, chosen.secret});
    return out;
  }

 private:
  struct Chosen {
    std::string secret;
    std::string scope;
    int line;
  };

  // Where `secret` is in stored_, or Errc::not_found naming the entry.
  Result<std::size_t> index_of(const ScopeSpec& scope, const std::string& secret, int line) const {
    const auto it = std::lower_bound(stored_.begin(), stored_.end(), secret);
    if (it != stored_.end() && *it == secret) return static_cast<std::size_t>(it - stored_.begin());
    return Error(Errc::not_found,
                 at(config_, line) + "scope " + q(scope.name) + " names secret " + q(secret) +
                     ", which is not in the store",
                 "store it with `vaultx set " + secret + "`, or remove it from the scope");
  }

  Status check_variable(const ScopeSpec& scope, const Candidate& c) const {
    const std::string where = at(config_, c.line) + "scope " + q(scope.name) + ": ";
    if (!is_valid_variable_name(c.variable)) {
      return Error(Errc::usage,
                   where + "secret " + q(c.secret) + " would be variable " + q(c.variable) +
                       ", which is not a valid variable name",
                   "map it to a name of letters, digits and '_' in the scope's env table, e.g. env = { MY_NAME = \"" +
                       c.secret + "\" }");
    }
    if (is_reserved_variable(c.variable)) {
      return Error(Errc::usage, where + "secret " + q(c.secret) + " would be variable " + c.variable +
                                    ", and VAULTX_* variables never reach a child process",
                   "map it to another name in the scope's env table");
    }
    const bool allowed =
        std::find(scope.allow_env.begin(), scope.allow_env.end(), c.variable) != scope.allow_env.end();
    if (is_dangerous_variable(c.variable) && !allowed) {
      return Error(Errc::usage,
                   where + "secret " + q(c.secret) + " would be variable " + c.variable +
                       ", which changes how the child runs, and the scope does not list it in allow_env",
                   "map it to another name in env, or add allow_env = [\"" + c.variable + "\"] to [scopes." +
                       scope.name + "] if the child must get it");
    }
    return {};
  }

  const Config& config_;
  std::vector<std::string> stored_;  // sorted and unique: glob matches come out in name order
  std::vector<std::vector<std::string_view>> split_stored_;  // stored_'s names split, in the same order
  GlobScratch scratch_;
  std::map<std::string, Chosen> chosen_;
};

Error unknown_scope(const Config& config, const std::string& name) {
  std::string defined;
  for (const auto& entry : config.scopes) defined += (defined.empty() ? "" : ", ") + entry.first;
  std::string message = "no scope " + q(name) + ": ";
  if (!config.file_exists) {
    message += config.source + " does not exist, so no scope is defined";
  } else if (defined.empty()) {
    message += config.source + " defines no scopes";
  } else {
    message += "the scopes in " + config.source + " are " + defined;
  }
  return Error(Errc::not_found, message,
               "define it as [scopes." + (is_valid_scope_name(name) ? name : std::string("NAME")) + "] in " + config.source +
                   " (see docs/config.md), or use a defined scope");
}

}  // namespace

Result<std::vector<Injection>> resolve_scopes(const Config& config, const std::vector<std::string>& scopes,
                                              const std::vector<std::string>& stored_names) {
  Resolver resolver(config, stored_names);
  for (const std::string& name : scopes) {
    const auto it = config.scopes.find(name);
    if (it == config.scopes.end()) return unknown_scope(config, name);
    VAULTX_ASSIGN(const auto candidates, resolver.scope_candidates(it->second));
    VAULTX_TRY(resolver.merge(it->second, candidates));
  }
  return resolver.injections();
}

}  // namespace vaultx::config
