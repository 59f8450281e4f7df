// --scope, shared by the commands that act on scopes (exec, env).
#pragma once

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
