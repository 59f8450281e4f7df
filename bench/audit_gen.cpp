// Writes a realistic audit trail of N records for an existing store, for
// bench/audit.sh: the records a busy machine would write (mostly get and
// exec, some set/rotate/ls, a failed unlock now and then), chained and MAC'd
// exactly as AuditTrail::append does, but written in one go instead of one
// fsync per record.
//
//   audit_gen STORE STATE_DIR COUNT      (passphrase in VAULTX_PASSPHRASE)
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <vaultx/audit/trail.hpp>
#include <vaultx/secure/hardening.hpp>
#include <vaultx/store/fs.hpp>
#include <vaultx/store/store.hpp>

using namespace vaultx;

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "audit_gen: %s\n", message.c_str());
  return 1;
}

format::AuditRecord record_at(std::uint64_t i, format::UnixSeconds start) {
  static const std::vector<std::string> kNames = {"openai/api-key", "aws/s3-reader/key-id", "aws/s3-reader/secret",
                                                  "github/token", "db/prod/password", "stripe/live-key"};
  format::AuditRecord r;
  r.seq = i + 1;
  r.time = start + static_cast<format::UnixSeconds>(i * 7);
  r.user = "alice";
  r.uid = 1000;
  r.pid = static_cast<std::uint32_t>(20000 + i % 30000);
  const std::string& name = kNames[i % kNames.size()];
  switch (i % 10) {
    case 0: case 1: case 2: case 3:
      r.op = "get";
      r.names = {name};
      break;
    case 4: case 5: case 6:
      r.op = "exec";
      r.scopes = {"agent-a"};
      r.names = {"openai/api-key", "aws/s3-reader/key-id", "aws/s3-reader/secret"};
      r.command = "./agent";
      r.status = static_cast<std::int32_t>(i % 3);
      break;
    case 7: r.op = "set", r.names = {name}; break;
    case 8: r.op = "ls", r.prefix = "aws"; break;
    default:
      r.op = i % 20 == 9 ? "rotate" : "get";
      r.names = {name};
      if (i % 40 == 19) r.outcome = format::AuditOutcome::failed, r.reason = "wrong passphrase";
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return fail("usage: audit_gen STORE STATE_DIR COUNT");
  if (!secure::initialize_sodium()) return fail("libsodium did not initialise");
  const char* pass = std::getenv("VAULTX_PASSPHRASE");
  if (pass == nullptr) return fail("set VAULTX_PASSPHRASE");
  auto store = store::Store::open(argv[1]);
  if (!store) return fail(store.error().message);
  auto vault = store->unlock_with_passphrase(secure::SecretBytes::copy_of(std::string_view(pass)));
  if (!vault) return fail(vault.error().message);
  const auto key = vault->derive_subkey("audit");
  const auto trail = audit::AuditTrail::for_store(argv[2], store->header().store_id);
  if (trail.head()->seq != 0) return fail("the trail is not empty: " + trail.path().string());
  if (!store::ensure_private_directory(trail.path().parent_path())) return fail("cannot create the audit directory");
  std::ofstream out(trail.path(), std::ios::binary | std::ios::trunc);
  const std::uint64_t count = std::strtoull(argv[3], nullptr, 10);
  format::AuditHash previous = format::audit_genesis(store->header().store_id);
  for (std::uint64_t i = 0; i < count; ++i) {
    auto r = record_at(i, format::now_utc() - static_cast<format::UnixSeconds>(count * 7));
    r.chain = format::audit_chain_next(previous, format::encode_audit_body(r));
    if (r.outcome == format::AuditOutcome::ok) r.mac = format::audit_mac(key.span(), r.chain);
    previous = r.chain;
    out << format::encode_audit_record(r) << '\n';
  }
  return out.good() ? 0 : fail("cannot write " + trail.path().string());
}
