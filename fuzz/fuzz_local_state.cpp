// libFuzzer target for the per-machine state files: command pins
// (format/pins.hpp) and the version ledger (format/version_marks.hpp).
// Another local process, a restored backup or a bad disk can hand vaultx any
// bytes there. The first input byte picks the parser; for the rest:
//  - decode returns a value or an error, never crashes;
//  - an accepted file is canonical: it re-encodes to exactly the same bytes.
// Run: fuzz/run-all build-sanitize 600, or build-sanitize/fuzz/fuzz_local_state fuzz/corpus/local_state
#include <cstdint>
#include <string_view>

#include <vaultx/format/pins.hpp>
#include <vaultx/format/version_marks.hpp>

#include "canonical.hpp"

using namespace vaultx::format;
using vaultx::fuzz::accepted_files_are_canonical;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 1) {
    accepted_files_are_canonical(input, decode_version_marks, encode_version_marks);
  } else {
    accepted_files_are_canonical(input, decode_pins, [](const auto& pins) { return encode_pins(pins); });
  }
  return 0;
}
