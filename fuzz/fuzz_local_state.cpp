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

namespace {

using namespace vaultx::format;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void pins_are_canonical(std::string_view input) {
  const auto pins = decode_pins(input);
  if (!pins) {
    check(pins.error().code == vaultx::Errc::integrity);
    return;
  }
  check(encode_pins(*pins) == input);
}

void marks_are_canonical(std::string_view input) {
  const auto marks = decode_version_marks(input);
  if (!marks) {
    check(marks.error().code == vaultx::Errc::integrity);
    return;
  }
  check(encode_version_marks(*marks) == input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 1) {
    marks_are_canonical(input);
  } else {
    pins_are_canonical(input);
  }
  return 0;
}
