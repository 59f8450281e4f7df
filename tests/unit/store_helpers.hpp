// Helpers for unit tests that build real stores (not a test file itself).
#pragma once

#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include <vaultx/crypto/kdf.hpp>
#include <vaultx/store/store.hpp>

namespace vaultx::test {

// The floor Argon2id parameters: real key derivation, a few milliseconds.
inline constexpr crypto::KdfParams kCheapKdf{8192, 1, 1};

// The stored value of `name`, failing the test if it cannot be read.
inline std::string stored_value(const store::Vault& vault, std::string_view name) {
  auto secret = vault.get(name);
  REQUIRE(secret);
  return std::string(secret->value.view());
}

}  // namespace vaultx::test
