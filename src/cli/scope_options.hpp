// --scope, shared by the commands that act on scopes (exec, env).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <vaultx/config/config.hpp>
#include <vaultx/store/store.hpp>

#include "context.hpp"

namespace vaultx::cli {

struct ScopeOptions {
  std::vector<std::string> names;

  void define(CLI::App& app) {
    app.add_option("-s,--scope", names, "Scope from vaultx.toml (repeatable: the union)")
        ->required()
        ->allow_extra_args(false)  // one scope per --scope: the command's words are never scopes
        ->type_name("SCOPE");
  }

  // Loads STORE/vaultx.toml (in a team store, the copy accepted on this
  // machine) and checks that every requested scope exists, before anything
  // is unlocked.
  Result<config::Config> load(const Context& ctx, const store::Store& store) const {
    VAULTX_ASSIGN(auto config, ctx.load_config(store));
    for (const auto& name : names) {
      if (config.scopes.count(name) == 0) return unknown_scope(config, name);
    }
    return config;
  }

  // A scoped identity holds keys for its own scopes only: asking it for
  // another scope is refused (it could decrypt none of it anyway), rather
  // than running the command with an empty environment.
  Status check_access(const store::SecretAccess& access) const {
    const auto* scoped = dynamic_cast<const store::ScopedVault*>(&access);
    if (scoped == nullptr) return {};
    const auto held = scoped->scope_names();
    for (const auto& name : names) {
      if (std::find(held.begin(), held.end(), name) != held.end()) continue;
      std::string list;
      for (const auto& h : held) list += (list.empty() ? "" : ", ") + h;
      return Error(Errc::unlock, "the identity in VAULTX_IDENTITY_FILE is recipient '" + scoped->recipient() +
                                     "', which holds the keys of scope(s) " + list + ", not of '" + name + "'",
                   "use a scope it holds, or ask a member with the master key to add it with "
                   "'vaultx recipients add PUBKEY --name NAME --scope " + name + "'");
    }
    return {};
  }

 private:
  static Error unknown_scope(const config::Config& config, const std::string& name) {
    std::string defined;
    for (const auto& [scope, spec] : config.scopes) defined += (defined.empty() ? "" : ", ") + scope;
    return Error(Errc::not_found, "no scope named '" + name + "' in " + config.source,
                 defined.empty() ? "define it as [scopes." + name + "] in vaultx.toml"
                                 : "defined scopes: " + defined);
  }
};

}  // namespace vaultx::cli
