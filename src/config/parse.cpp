// vaultx.toml -> Config. The only file that includes toml++, so that its
// configuration (shared library, exceptions) is decided in one place.
#include <vaultx/config/config.hpp>

#include <algorithm>
#include <cstdio>
#include <string>

#include <toml++/toml.h>

#include <vaultx/format/names.hpp>
#include <vaultx/format/units.hpp>

namespace vaultx::config {

namespace {

const char* const kSyntaxHint = "fix the TOML at that position; docs/config.md describes vaultx.toml";

std::string position_prefix(std::string_view source, std::uint32_t line, std::uint32_t column) {
  std::string out(source);
  if (line > 0) out += ":" + std::to_string(line);
  if (line > 0 && column > 0) out += ":" + std::to_string(column);
  return out + ": ";
}

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::none: return "nothing";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
  }
  return "an unknown value";
}

// toml++'s messages describe the input; it is ASCII by now, but a tab or a
// line break would still break the one-line message.
std::string one_line(std::string_view text) {
  std::string out(text);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  // "Error while parsing ..." reads as "vaultx: error: ...: error while parsing ...".
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}

bool has_control_byte(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

struct Entry {
  const toml::key* key;
  const toml::node* node;
};

// toml++ keeps a table's keys sorted; messages and `env` follow the file.
std::vector<Entry> in_file_order(const toml::table& table) {
  std::vector<Entry> out;
  for (auto&& [key, node] : table) out.push_back(Entry{&key, &node});
  std::stable_sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {
    const auto& pa = a.key->source().begin;
    const auto& pb = b.key->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  return out;
}

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source) { config_.source = std::string(source); }

  Result<Config> run(const toml::table& root) {
    for (const Entry& e : in_file_order(root)) {
      const std::string_view name = e.key->str();
      if (name == "scopes") {
        VAULTX_TRY(parse_scopes(e));
      } else if (name == "policy") {
        VAULTX_TRY(parse_policy(e));
      } else if (name == "broker") {
        VAULTX_TRY(parse_broker(e));
      } else {
        return fail(*e.key, "unknown table or key " + format::quote_for_message(name),
                    "vaultx.toml has [scopes.NAME] tables, a [policy] table and [broker.routes.NAME] tables; "
                    "remove or rename it");
      }
    }
    VAULTX_TRY(check_routes());
    return std::move(config_);
  }

 private:
  Error fail(const toml::source_region& where, const std::string& what, std::string hint) const {
    return Error(Errc::usage, position_prefix(source_, where.begin.line, where.begin.column) + what,
                 std::move(hint));
  }
  Error fail(const toml::key& key, const std::string& what, std::string hint) const {
    return fail(key.source(), what, std::move(hint));
  }
  Error fail(const toml::node& node, const std::string& what, std::string hint) const {
    return fail(node.source(), what, std::move(hint));
  }
  Error wrong_type(const toml::node& node, const std::string& path, std::string_view expected,
                   std::string hint) const {
    return fail(node, path + ": expected " + std::string(expected) + ", found " + std::string(type_name(node)),
                std::move(hint));
  }

  // Strings of an array, with where each one is.
  Result<std::vector<std::pair<std::string, const toml::node*>>> string_array(const toml::node& node,
                                                                             const std::string& path,
                                                                             const std::string& example) const {
    const std::string hint = "write " + path.substr(path.rfind('.') + 1) + " = " + example;
    const toml::array* array = node.as_array();
    if (array == nullptr) return wrong_type(node, path, "an array of strings", hint);
    std::vector<std::pair<std::string, const toml::node*>> out;
    for (const toml::node& item : *array) {
      const auto* text = item.as_string();
      if (text == nullptr) return wrong_type(item, path, "strings in the array", hint);
      out.emplace_back(text->get(), &item);
    }
    return out;
  }

  Status parse_scopes(const Entry& e) {
    const toml::table* scopes = e.node->as_table();
    if (scopes == nullptr) {
      return wrong_type(*e.node, "scopes", "a table", "declare each scope as its own [scopes.NAME] table");
    }
    for (const Entry& s : in_file_order(*scopes)) VAULTX_TRY(parse_scope(s));
    return {};
  }

  Status parse_scope(const Entry& e) {
    const std::string name(e.key->str());
    if (!is_valid_scope_name(name)) {
      return fail(*e.key, "invalid scope name " + format::quote_for_message(name),
                  "scope names use only A-Z a-z 0-9 . _ - (quote names with a dot: [scopes.\"v1.2\"])");
    }
    const std::string path = "scopes." + name;
    const toml::table* table = e.node->as_table();
    if (table == nullptr) {
      return wrong_type(*e.node, path, "a table", "write [scopes." + name + "] followed by secrets = [...]");
    }
    ScopeSpec scope;
    scope.name = name;
    scope.line = static_cast<int>(table->source().begin.line != 0 ? table->source().begin.line
                                                                  : e.key->source().begin.line);
    for (const Entry& field : in_file_order(*table)) {
      const std::string_view key = field.key->str();
      if (key == "secrets") {
        VAULTX_TRY(parse_secrets(field, path, scope));
      } else if (key == "env") {
        VAULTX_TRY(parse_env(field, path, scope));
      } else if (key == "allow_env") {
        VAULTX_TRY(parse_allow_env(field, path, scope));
      } else if (key == "commands") {
        VAULTX_TRY(parse_commands(field, path, scope));
      } else {
        return fail(*field.key, "unknown key " + format::quote_for_message(key) + " in [" + path + "]",
                    "a scope has the keys secrets, env, allow_env and commands");
      }
    }
    VAULTX_TRY(check_explicit_variables(scope, *table, path));
    config_.scopes.emplace(name, std::move(scope));
    return {};
  }

  Status parse_secrets(const Entry& e, const std::string& scope_path, ScopeSpec& scope) const {
    const std::string path = scope_path + ".secrets";
    VAULTX_ASSIGN(auto items, string_array(*e.node, path, "[\"openai/api-key\", \"aws/*\"]"));
    for (auto& [pattern, node] : items) {
      const Status valid = validate_pattern(pattern);
      if (!valid) return fail(*node, path + ": " + valid.error().message, valid.error().hint);
      scope.secrets.push_back(std::move(pattern));
      scope.secret_lines.push_back(static_cast<int>(node->source().begin.line));
    }
    return {};
  }

  Status check_variable(const toml::key& key, const std::string& path) const {
    const std::string_view name = key.str();
    if (!is_valid_variable_name(name)) {
      return fail(key, path + ": " + format::quote_for_message(name) + " is not a valid environment variable name",
                  "variable names are letters, digits and '_', not starting with a digit");
    }
    if (is_reserved_variable(name)) {
      return fail(key, path + ": " + std::string(name) + " is reserved for vaultx itself",
                  "VAULTX_* variables never reach a child process; pick another name");
    }
    return {};
  }

  Status parse_env(const Entry& e, const std::string& scope_path, ScopeSpec& scope) const {
    const std::string path = scope_path + ".env";
    const std::string hint = "write env = { OPENAI_API_KEY = \"openai/api-key\" }";
    const toml::table* table = e.node->as_table();
    if (table == nullptr) return wrong_type(*e.node, path, "a table of VARIABLE = \"secret/name\"", hint);
    for (const Entry& m : in_file_order(*table)) {
      VAULTX_TRY(check_variable(*m.key, path));
      const auto* secret = m.node->as_string();
      const std::string var_path = path + "." + std::string(m.key->str());
      if (secret == nullptr) return wrong_type(*m.node, var_path, "a secret name (a string)", hint);
      if (is_glob(secret->get())) {
        return fail(*m.node, var_path + ": a variable takes one secret, not the pattern " +
                                 format::quote_for_message(secret->get()),
                    "name one secret here; put patterns in secrets = [...]");
      }
      const Status valid = format::validate_secret_name(secret->get());
      if (!valid) return fail(*m.node, var_path + ": " + valid.error().message, valid.error().hint);
      scope.env.emplace_back(std::string(m.key->str()), secret->get());
      scope.env_lines.push_back(static_cast<int>(m.key->source().begin.line));
    }
    return {};
  }

  Status parse_allow_env(const Entry& e, const std::string& scope_path, ScopeSpec& scope) const {
    const std::string path = scope_path + ".allow_env";
    VAULTX_ASSIGN(auto items, string_array(*e.node, path, "[\"PATH\"]"));
    for (auto& [name, node] : items) {
      if (!is_valid_variable_name(name)) {
        return fail(*node, path + ": " + format::quote_for_message(name) + " is not a valid environment variable name",
                    "variable names are letters, digits and '_', not starting with a digit");
      }
      if (is_reserved_variable(name)) {
        return fail(*node, path + ": " + name + " can never be allowed",
                    "VAULTX_* variables never reach a child process; remove it from allow_env");
      }
      scope.allow_env.push_back(std::move(name));
    }
    return {};
  }

  Status parse_commands(const Entry& e, const std::string& scope_path, ScopeSpec& scope) const {
    const std::string path = scope_path + ".commands";
    VAULTX_ASSIGN(auto items, string_array(*e.node, path, "[\"./agent\", \"python3\"]"));
    for (auto& [command, node] : items) {
      if (command.empty() || has_control_byte(command)) {
        return fail(*node, path + ": " + format::quote_for_message(command) + " is not a program name",
                    "list program names or paths, e.g. commands = [\"./agent\"]");
      }
      scope.commands.push_back(std::move(command));
    }
    return {};
  }

  // An explicit mapping to a dangerous variable is wrong whatever the vault
  // holds, so it is reported now, with its line (resolve_scopes checks again).
  Status check_explicit_variables(const ScopeSpec& scope, const toml::table& table, const std::string& path) const {
    const toml::table* env = table["env"].as_table();
    if (env == nullptr) return {};
    for (const auto& [variable, secret] : scope.env) {
      if (!is_dangerous_variable(variable)) continue;
      if (std::find(scope.allow_env.begin(), scope.allow_env.end(), variable) != scope.allow_env.end()) continue;
      const auto it = env->find(variable);
      return fail(it->first, path + ".env: " + variable + " changes how the child runs, and the scope does not list it in allow_env",
                  "use another variable name, or add allow_env = [\"" + variable + "\"] to [" + path +
                      "] if the child must get it");
    }
    return {};
  }

  Result<std::int64_t> duration(const toml::node& node, const std::string& path) const {
    const std::string hint = "write a whole number and a unit s, m, h or d, e.g. max_age = \"90d\"";
    const auto* text = node.as_string();
    if (text == nullptr) return wrong_type(node, path, "a duration string", hint);
    const auto seconds = format::parse_duration(text->get());
    if (!seconds) return fail(node, path + ": " + format::quote_for_message(text->get()) + " is not a duration", hint);
    if (*seconds == 0) return fail(node, path + ": a maximum age of zero makes every secret stale", hint);
    return *seconds;
  }

  Status parse_policy(const Entry& e) {
    const toml::table* policy = e.node->as_table();
    if (policy == nullptr) {
      return wrong_type(*e.node, "policy", "a table", "write [policy] followed by max_age = \"90d\"");
    }
    for (const Entry& field : in_file_order(*policy)) {
      const std::string_view key = field.key->str();
      if (key == "max_age") {
        VAULTX_ASSIGN(config_.policy.max_age_seconds, duration(*field.node, "policy.max_age"));
      } else if (key == "rule") {
        VAULTX_TRY(parse_rules(field));
      } else {
        return fail(*field.key, "unknown key " + format::quote_for_message(key) + " in [policy]",
                    "[policy] has the keys max_age and rule ([[policy.rule]] tables)");
      }
    }
    return {};
  }

  Status parse_rules(const Entry& e) {
    const std::string hint = "write [[policy.rule]] tables, each with match = \"aws/**\" and max_age = \"30d\"";
    const toml::array* rules = e.node->as_array();
    if (rules == nullptr) return wrong_type(*e.node, "policy.rule", "an array of tables", hint);
    for (const toml::node& item : *rules) {
      const toml::table* table = item.as_table();
      if (table == nullptr) return wrong_type(item, "policy.rule", "tables in the array", hint);
      VAULTX_ASSIGN(PolicyRule rule, parse_rule(*table, hint));
      config_.policy.rules.push_back(std::move(rule));
    }
    return {};
  }

  Result<PolicyRule> parse_rule(const toml::table& table, const std::string& hint) const {
    PolicyRule rule{{}, 0, static_cast<int>(table.source().begin.line)};
    bool has_match = false;
    bool has_age = false;
    for (const Entry& field : in_file_order(table)) {
      const std::string_view key = field.key->str();
      if (key == "match") {
        const auto* text = field.node->as_string();
        if (text == nullptr) return wrong_type(*field.node, "policy.rule.match", "a pattern (a string)", hint);
        const Status valid = validate_pattern(text->get());
        if (!valid) return fail(*field.node, "policy.rule.match: " + valid.error().message, valid.error().hint);
        rule.match = text->get();
        has_match = true;
      } else if (key == "max_age") {
        VAULTX_ASSIGN(rule.max_age_seconds, duration(*field.node, "policy.rule.max_age"));
        has_age = true;
      } else {
        return fail(*field.key, "unknown key " + format::quote_for_message(key) + " in [[policy.rule]]",
                    "a rule has the keys match and max_age");
      }
    }
    if (!has_match || !has_age) {
      return fail(table, std::string("[[policy.rule]] without ") + (has_match ? "max_age" : "match"), hint);
    }
    return rule;
  }

  Status parse_broker(const Entry& e) {
    const toml::table* broker = e.node->as_table();
    const std::string hint = "declare each route as its own [broker.routes.NAME] table";
    if (broker == nullptr) return wrong_type(*e.node, "broker", "a table", hint);
    for (const Entry& field : in_file_order(*broker)) {
      if (field.key->str() != "routes") {
        return fail(*field.key, "unknown key " + format::quote_for_message(field.key->str()) + " in [broker]", hint);
      }
      const toml::table* routes = field.node->as_table();
      if (routes == nullptr) return wrong_type(*field.node, "broker.routes", "a table", hint);
      for (const Entry& r : in_file_order(*routes)) VAULTX_TRY(parse_route(r));
    }
    return {};
  }

  // A string field of a route, with the error at its position.
  Result<std::string> route_string(const Entry& field, const std::string& path, const std::string& hint) const {
    const auto* text = field.node->as_string();
    if (text == nullptr) return wrong_type(*field.node, path, "a string", hint);
    return text->get();
  }

  Status route_variable(const Entry& field, const std::string& path, std::string& out) const {
    const std::string hint = "a variable name: letters, digits and '_', e.g. OPENAI_BASE_URL";
    VAULTX_ASSIGN(auto name, route_string(field, path, hint));
    if (!is_valid_variable_name(name)) {
      return fail(*field.node, path + ": " + format::quote_for_message(name) + " is not a valid environment variable name",
                  hint);
    }
    if (is_reserved_variable(name) || is_dangerous_variable(name)) {
      return fail(*field.node, path + ": " + name + " may not be set by the broker", "pick another variable name");
    }
    out = std::move(name);
    return {};
  }

  Status parse_inject(const Entry& field, const std::string& path, BrokerRoute& route) const {
    const std::string hint = "write inject = { header = \"Authorization\", value = \"Bearer {openai/api-key}\" }";
    const toml::table* inject = field.node->as_table();
    if (inject == nullptr) return wrong_type(*field.node, path, "a table", hint);
    bool has_header = false;
    bool has_value = false;
    for (const Entry& f : in_file_order(*inject)) {
      const std::string_view key = f.key->str();
      if (key == "header") {
        VAULTX_ASSIGN(route.header, route_string(f, path + ".header", hint));
        if (!is_valid_header_name(route.header)) {
          return fail(*f.node, path + ".header: " + format::quote_for_message(route.header) +
                                   " is not an HTTP header name", "use a name of letters, digits and -, e.g. Authorization");
        }
        has_header = true;
      } else if (key == "value") {
        VAULTX_ASSIGN(auto text, route_string(f, path + ".value", hint));
        auto parts = parse_inject_template(text);
        if (!parts) return fail(*f.node, path + ".value: " + parts.error().message, parts.error().hint);
        route.value = std::move(*parts);
        has_value = true;
      } else {
        return fail(*f.key, "unknown key " + format::quote_for_message(key) + " in " + path, hint);
      }
    }
    if (!has_header || !has_value) return fail(*field.node, path + " without " + (has_header ? "value" : "header"), hint);
    return {};
  }

  Status parse_route(const Entry& e) {
    const std::string name(e.key->str());
    if (!is_valid_route_name(name)) {
      return fail(*e.key, "invalid route name " + format::quote_for_message(name),
                  "route names are 1 to 64 of A-Z a-z 0-9 . _ - (they appear in the broker's URL)");
    }
    const std::string path = "broker.routes." + name;
    const toml::table* table = e.node->as_table();
    const std::string hint = "docs/broker.md shows a route: scope, upstream, inject, base_url_env, placeholder_env";
    if (table == nullptr) return wrong_type(*e.node, path, "a table", hint);
    BrokerRoute route;
    route.name = name;
    route.line = static_cast<int>(table->source().begin.line != 0 ? table->source().begin.line
                                                                  : e.key->source().begin.line);
    for (const Entry& f : in_file_order(*table)) {
      const std::string_view key = f.key->str();
      const std::string field_path = path + "." + std::string(key);
      if (key == "scope") {
        VAULTX_ASSIGN(route.scope, route_string(f, field_path, hint));
        if (!is_valid_scope_name(route.scope)) {
          return fail(*f.node, field_path + ": " + format::quote_for_message(route.scope) + " is not a scope name", hint);
        }
      } else if (key == "upstream") {
        VAULTX_ASSIGN(route.upstream_text, route_string(f, field_path, hint));
        auto upstream = parse_upstream(route.upstream_text);
        if (!upstream) return fail(*f.node, field_path + ": " + upstream.error().message, upstream.error().hint);
        route.upstream = std::move(*upstream);
      } else if (key == "inject") {
        VAULTX_TRY(parse_inject(f, field_path, route));
      } else if (key == "base_url_env") {
        VAULTX_TRY(route_variable(f, field_path, route.base_url_env));
      } else if (key == "placeholder_env") {
        VAULTX_TRY(route_variable(f, field_path, route.placeholder_env));
      } else if (key == "rate") {
        VAULTX_ASSIGN(auto text, route_string(f, field_path, hint));
        auto rate = parse_route_rate(text);
        if (!rate) return fail(*f.node, field_path + ": " + rate.error().message, rate.error().hint);
        route.rate = *rate;
      } else if (key == "ca_file") {
        VAULTX_ASSIGN(route.ca_file, route_string(f, field_path, hint));
        if (route.ca_file.empty() || route.ca_file.front() != '/' || has_control_byte(route.ca_file)) {
          return fail(*f.node, field_path + ": " + format::quote_for_message(route.ca_file) + " is not an absolute path",
                      "give the absolute path of a PEM file of CA certificates");
        }
      } else {
        return fail(*f.key, "unknown key " + format::quote_for_message(key) + " in [" + path + "]",
                    "a route has the keys scope, upstream, inject, base_url_env, placeholder_env, rate and ca_file");
      }
    }
    for (const auto& [key, present] : {std::pair<const char*, bool>{"scope", !route.scope.empty()},
                                       {"upstream", !route.upstream.host.empty()},
                                       {"inject", !route.header.empty()},
                                       {"base_url_env", !route.base_url_env.empty()},
                                       {"placeholder_env", !route.placeholder_env.empty()}}) {
      if (!present) return fail(*table, "[" + path + "] has no " + key, hint);
    }
    if (route.base_url_env == route.placeholder_env) {
      return fail(*table, "[" + path + "]: base_url_env and placeholder_env are both " + route.base_url_env,
                  "give them different variable names");
    }
    config_.routes.push_back(std::move(route));
    return {};
  }

  // What can only be checked once the whole file is read: every route names a
  // declared scope, the secrets of its template are in that scope, and no two
  // routes of a scope set the same variable.
  Status check_routes() const {
    for (std::size_t i = 0; i < config_.routes.size(); ++i) {
      const BrokerRoute& route = config_.routes[i];
      const std::string where = position_prefix(source_, static_cast<std::uint32_t>(route.line), 0);
      const auto scope = config_.scopes.find(route.scope);
      if (scope == config_.scopes.end()) {
        return Error(Errc::usage, where + "route " + route.name + " names the scope " + route.scope + ", which is not declared",
                     "declare [scopes." + route.scope + "] or fix the route's scope");
      }
      for (const auto& secret : route.secret_names()) {
        const auto& s = scope->second;
        const bool in_scope =
            std::any_of(s.secrets.begin(), s.secrets.end(), [&](const std::string& p) { return glob_match(p, secret); }) ||
            std::any_of(s.env.begin(), s.env.end(), [&](const auto& m) { return m.second == secret; });
        if (!in_scope) {
          return Error(Errc::usage, where + "route " + route.name + " injects the secret " + secret +
                                        ", which is not in its scope " + route.scope,
                       "add it to [scopes." + route.scope + "] secrets, or inject a secret of that scope");
        }
      }
      for (std::size_t j = 0; j < i; ++j) {
        const BrokerRoute& other = config_.routes[j];
        if (other.scope != route.scope) continue;
        for (const auto& var : {route.base_url_env, route.placeholder_env}) {
          if (var == other.base_url_env || var == other.placeholder_env) {
            return Error(Errc::usage, where + "routes " + other.name + " and " + route.name + " both set " + var,
                         "give each route of a scope its own variables");
          }
        }
      }
    }
    return {};
  }

  std::string_view source_;
  Config config_;
};

}  // namespace

bool is_valid_scope_name(std::string_view name) {
  return !name.empty() && name.size() <= 255 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

Status check_ascii(std::string_view text, std::string_view source_name) {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u == '\n') {
      ++line;
      column = 1;
      continue;
    }
    if ((u < 0x20 && u != '\t' && u != '\r') || u >= 0x7f) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02x", u);
      const bool non_ascii = u >= 0x80;
      return Error(Errc::usage,
                   position_prefix(source_name, line, column) + "byte " + byte +
                       (non_ascii ? " is not ASCII" : " is a control character") +
                       "; vaultx.toml must be plain printable ASCII",
                   non_ascii ? "remove the character (comments too): names, patterns and variables are ASCII"
                             : "remove the byte; only tab, line breaks and printable ASCII are allowed");
    }
    ++column;
  }
  return {};
}

Status check_nesting(std::string_view text, std::string_view source_name) {
  // toml++ recurses once per level of table nesting (update_region_ends,
  // destructors) and bounds only arrays and inline tables (256 levels), not
  // dotted keys: "[a.a.a...]" 50000 levels deep (100 KB) overflows the stack.
  // A key, a table header and an inline table each stay on one line in TOML
  // 1.0, so capping the dots of any one line (inside strings too: no lexing
  // to get wrong) caps the depth near 3 * kMaxDotsPerLine + 256.
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  std::size_t dots = 0;
  for (const char c : text) {
    if (c == '\n') {
      ++line;
      column = 1;
      dots = 0;
      continue;
    }
    if (c == '.' && ++dots > kMaxDotsPerLine) {
      return Error(Errc::usage,
                   position_prefix(source_name, line, column) + "more than " + std::to_string(kMaxDotsPerLine) +
                       " '.' on one line; keys and tables nested that deep are refused",
                   "vaultx.toml nests at most 4 levels ([scopes.NAME.env]); split long lines");
    }
    ++column;
  }
  return {};
}

Result<Config> parse_config(std::string_view text, std::string_view source_name) {
  if (text.size() > kMaxConfigBytes) {
    return Error(Errc::usage,
                 std::string(source_name) + ": " + std::to_string(text.size()) + " bytes is more than the limit of " +
                     std::to_string(kMaxConfigBytes),
                 "a vaultx.toml holds scopes and policy; keep it under 1 MiB");
  }
  // Before toml++ sees a byte: it has undefined behaviour on some non-ASCII input.
  VAULTX_TRY(check_ascii(text, source_name));
  VAULTX_TRY(check_nesting(text, source_name));
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Error(Errc::usage, position_prefix(source_name, where.line, where.column) + one_line(e.description()),
                 kSyntaxHint);
  }
  return Parser(source_name).run(root);
}

}  // namespace vaultx::config
