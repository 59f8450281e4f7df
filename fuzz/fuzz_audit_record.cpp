// libFuzzer target for audit records (format/audit_record.hpp).
//  1. Any bytes: decode_audit_record must return a record or an error, never
//     crash; an accepted line must re-encode to exactly the same bytes.
//  2. A record built from the bytes: it must encode to a line that decodes
//     back to the same record (and re-encodes to the same line).
//
// Build (from the repository root):
//   clang++-14 -std=c++20 -fsanitize=fuzzer,address,undefined -DNDEBUG -Iinclude \
//     fuzz/fuzz_audit_record.cpp src/format/{audit_record,encoding,json,timestamp,units}.cpp \
//     src/crypto/aead.cpp src/secure/secret_bytes.cpp $(pkg-config --cflags --libs libsodium libargon2) \
//     -o build/fuzz_audit_record
//   build/fuzz_audit_record -max_total_time=60 -max_len=4096
#include <fuzzer/FuzzedDataProvider.h>
#include <sodium.h>

#include <cstdint>
#include <limits>
#include <string_view>

#include <vaultx/format/audit_record.hpp>

namespace {

using namespace vaultx::format;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void decoded_lines_are_canonical(std::string_view input) {
  const auto record = decode_audit_record(input);
  if (!record) {
    check(record.error().code == vaultx::Errc::integrity);
    return;
  }
  check(validate_audit_record(*record).ok());
  check(encode_audit_record(*record) == input);
  check(audit_body_of(input) == encode_audit_body(*record));
}

std::string op_from(FuzzedDataProvider& in) {
  static constexpr std::string_view kFirst = "abcdefghijklmnopqrstuvwxyz";
  static constexpr std::string_view kRest = "abcdefghijklmnopqrstuvwxyz0123456789-";
  const auto size = in.ConsumeIntegralInRange<std::size_t>(1, kMaxAuditOpBytes);
  std::string op(1, kFirst[in.ConsumeIntegralInRange<std::size_t>(0, kFirst.size() - 1)]);
  while (op.size() < size) op += kRest[in.ConsumeIntegralInRange<std::size_t>(0, kRest.size() - 1)];
  return op;
}

std::string text_from(FuzzedDataProvider& in) { return to_audit_text(in.ConsumeRandomLengthString(48)); }

std::vector<std::string> list_from(FuzzedDataProvider& in) {
  std::vector<std::string> items(in.ConsumeIntegralInRange<std::size_t>(0, 4));
  for (auto& item : items) {
    item = text_from(in);
    if (item.empty()) item = ",";
  }
  return items;
}

AuditHash hash_from(FuzzedDataProvider& in) {
  AuditHash h{};
  const auto bytes = in.ConsumeBytes<std::uint8_t>(h.size());
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

void built_records_round_trip(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  AuditRecord r;
  r.seq = in.ConsumeIntegralInRange<std::uint64_t>(1, std::numeric_limits<std::uint64_t>::max());
  r.time = in.ConsumeIntegralInRange<UnixSeconds>(0, 253402300799);
  r.op = op_from(in);
  r.outcome = in.PickValueInArray({AuditOutcome::ok, AuditOutcome::denied, AuditOutcome::failed});
  r.reason = text_from(in);
  r.user = text_from(in);
  r.uid = in.ConsumeIntegral<std::uint32_t>();
  r.pid = in.ConsumeIntegral<std::uint32_t>();
  r.scopes = list_from(in);
  r.names = list_from(in);
  r.prefix = text_from(in);
  r.command = text_from(in);
  if (in.ConsumeBool()) r.status = in.ConsumeIntegralInRange<std::int32_t>(0, std::numeric_limits<std::int32_t>::max());
  r.chain = hash_from(in);
  if (in.ConsumeBool()) r.mac = hash_from(in);

  check(validate_audit_record(r).ok());
  const std::string line = encode_audit_record(r);
  const auto back = decode_audit_record(line);
  check(back.ok());
  check(*back == r);
  check(encode_audit_record(*back) == line);

  const AuditHead head{r.seq, r.chain};
  check(parse_audit_head(format_audit_head(head)) == head);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) { return sodium_init() < 0 ? 1 : 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  decoded_lines_are_canonical(std::string_view(reinterpret_cast<const char*>(data), size));
  built_records_round_trip(data, size);
  return 0;
}
