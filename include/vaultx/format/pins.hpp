// Command pins (STATE/pins/<store id>.pins): which program or script content
// a scope may be handed to, recorded by `vaultx scope pin`. Local state of
// this machine, never shared through the store.
//
//   vaultx-pins 1
//   pin <scope> <sha256 hex> <base64 of the absolute path>
//
// Lines sorted by scope then path; each (scope, path) once.
#pragma once

#include <string>
#include <vector>

#include <vaultx/crypto/sha256.hpp>
#include <vaultx/error.hpp>

namespace vaultx::format {

struct CommandPin {
  std::string scope;
  std::string path;  // absolute, symlinks resolved
  crypto::Sha256Digest digest{};

  friend bool operator==(const CommandPin&, const CommandPin&) = default;
};

std::string encode_pins(std::vector<CommandPin> pins);
Result<std::vector<CommandPin>> decode_pins(std::string_view text);

}  // namespace vaultx::format
