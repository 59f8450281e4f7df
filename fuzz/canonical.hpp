// Shared by the fuzz targets of the line formats: a decoder either refuses
// the bytes with an integrity error or accepts exactly the canonical
// encoding of what it returns (re-encoding gives the same bytes).
#pragma once

#include <string_view>

#include <vaultx/error.hpp>

namespace vaultx::fuzz {

inline void check(bool ok) {
  if (!ok) __builtin_trap();
}

template <class Decode, class Encode>
void accepted_files_are_canonical(std::string_view input, Decode decode, Encode encode) {
  const auto value = decode(input);
  if (!value) {
    check(value.error().code == Errc::integrity);
    return;
  }
  check(std::string_view(encode(*value)) == input);
}

}  // namespace vaultx::fuzz
