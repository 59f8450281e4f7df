// Accepting vaultx.toml on this machine (team stores): shared by
// `vaultx scope sync` and `vaultx config edit`.
#pragma once

#include <vaultx/error.hpp>

namespace vaultx::cli {

class Context;

struct SyncOptions {
  bool yes = false;       // accept without asking (--yes)
  bool confirmed = false; // the user already confirmed (config edit)
};

// Shows the membership diff between the accepted and the current
// vaultx.toml, asks to confirm on the terminal (unless told not to), then,
// if this process holds the master key, rewraps every secret's scope wraps
// to match, and records the current file as accepted here.
Result<int> sync_scopes(Context& ctx, const SyncOptions& options);

}  // namespace vaultx::cli
