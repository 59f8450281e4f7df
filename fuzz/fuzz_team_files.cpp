// libFuzzer target for the files of team stores and their local trust state:
// identity files (format/identity.hpp), scope key files (format/scope_key.hpp),
// rekey records (format/rekey_record.hpp) and the master-key and location pins
// (format/trust.hpp). A teammate's commit or a stolen disk can hand vaultx any
// bytes in these. The first input byte picks the parser; for the rest:
//  - decode returns a value or an integrity error, never crashes;
//  - an accepted file is canonical: it re-encodes to exactly the same bytes.
// Run: fuzz/run-all build-sanitize 600, or build-sanitize/fuzz/fuzz_team_files fuzz/corpus/team_files
#include <cstdint>
#include <string_view>

#include <vaultx/format/identity.hpp>
#include <vaultx/format/rekey_record.hpp>
#include <vaultx/format/scope_key.hpp>
#include <vaultx/format/trust.hpp>

#include "canonical.hpp"

using namespace vaultx::format;
using vaultx::fuzz::accepted_files_are_canonical;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 5) {
    case 0:
      accepted_files_are_canonical(input, decode_identity_file,
                                   [](const IdentityFile& f) { return std::string(encode_identity_file(f).view()); });
      break;
    case 1:
      accepted_files_are_canonical(input, decode_scope_key_file, encode_scope_key_file);
      break;
    case 2:
      accepted_files_are_canonical(input, decode_rekey_record, encode_rekey_record);
      break;
    case 3:
      accepted_files_are_canonical(input, decode_master_pin, encode_master_pin);
      break;
    default:
      accepted_files_are_canonical(input, decode_location_pin, encode_location_pin);
      break;
  }
  return 0;
}
