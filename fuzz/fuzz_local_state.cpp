// libFuzzer target for the per-machine state files: command pins
// (format/pins.hpp), the version ledger (format/version_marks.hpp) and the
// listing cache's plaintext (format/listing_cache.hpp).
// Another local process, a restored backup or a bad disk can hand vaultx any
// bytes there. The first input byte picks the parser; for the rest:
//  - decode returns a value or an error, never crashes;
//  - an accepted file is canonical: it re-encodes to exactly the same bytes;
//  - the ledger's bisecting lookup agrees with the full decode on every file
//    the decode accepts, and never crashes on the others.
// Run: fuzz/run-all build-sanitize 600, or build-sanitize/fuzz/fuzz_local_state fuzz/corpus/local_state
#include <cstdint>
#include <string_view>

#include <cstdlib>

#include <vaultx/format/listing_cache.hpp>
#include <vaultx/format/pins.hpp>
#include <vaultx/format/version_marks.hpp>

#include "canonical.hpp"

using namespace vaultx::format;
using vaultx::fuzz::accepted_files_are_canonical;

namespace {
// find_version_mark reads only the lines it bisects to: on a file the full
// decode accepts it must find exactly the decoded marks; on any other it may
// answer or refuse, but not crash or read out of bounds.
void lookups_agree_with_decode(std::string_view input) {
  auto marks = decode_version_marks(input);
  if (!marks) {
    FileId probe{};
    (void)find_version_mark(input, probe);
    probe.fill(0xff);
    (void)find_version_mark(input, probe);
    return;
  }
  for (const auto& [id, mark] : *marks) {
    auto found = find_version_mark(input, id);
    if (!found || !*found || **found != mark) std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0:
      accepted_files_are_canonical(input, decode_pins, [](const auto& pins) { return encode_pins(pins); });
      break;
    case 1:
      accepted_files_are_canonical(input, decode_version_marks, encode_version_marks);
      lookups_agree_with_decode(input);
      break;
    default:
      accepted_files_are_canonical(input, decode_listing_plaintext, encode_listing_plaintext);
      break;
  }
  return 0;
}
