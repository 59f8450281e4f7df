// The audit trail of one store on this machine: STATE_DIR/audit/<store-id>.log,
// one format::AuditRecord per line, each chained to the one before and, when
// the store was unlocked, authenticated with the store's audit key
// (Vault::derive_subkey("audit")). docs/audit.md says what that proves.
//
// Writers (any number of processes) append under an exclusive flock of the
// file; readers take a shared one, so they never see half a line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <vaultx/error.hpp>
#include <vaultx/format/audit_record.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::audit {

namespace fs = std::filesystem;

// What happened, before the trail gives it a seq and a chain hash. Never a
// value, passphrase or key: names, scopes and the child's argv[0] only.
struct AuditEvent {
  std::string op{};  // get, set, rm, mv, rotate, passwd, init, ls, exec, env, ...
  format::AuditOutcome outcome = format::AuditOutcome::ok;
  std::string reason{};             // why it was denied or failed; empty when ok
  std::vector<std::string> scopes{};  // exec, env
  std::vector<std::string> names{};   // the secrets touched
  std::string prefix{};             // ls
  std::string command{};            // exec: argv[0] only
  std::optional<std::int32_t> status{};  // exec: the child's exit status
  // Who and when; stamp() fills them for the calling process. Every member
  // has an initialiser, so that designated initialisers can name just a few.
  format::UnixSeconds time = 0;
  std::string user{};
  std::uint32_t uid = 0;
  std::uint32_t pid = 0;
};

// Sets time (now), user (from the password database, not the environment),
// uid and pid of the calling process.
void stamp(AuditEvent& event);

enum class Problem {
  malformed,      // a line that is not a record (or an incomplete last line)
  chain_broken,   // edited, inserted, deleted or reordered
  bad_mac,        // rewritten and re-chained by someone without the key, or another store's key
  seq_gap,        // chain intact but seq not one more than the record before
  head_mismatch,  // the record at the checkpoint's seq has another hash: history rewritten
  truncated,      // the trail ends before the checkpoint: records deleted
};

std::string_view problem_name(Problem problem);

struct VerifyProblem {
  Problem kind = Problem::malformed;
  std::size_t line = 0;             // 1-based line of the first bad record
  std::optional<std::uint64_t> seq;  // its seq, when it could be read
  std::string detail;
};

struct VerifyReport {
  std::uint64_t records = 0;          // records checked before any problem
  std::uint64_t macs_checked = 0;
  std::uint64_t unauthenticated_tail = 0;  // records after the last MAC'd one (when a key was given)
  bool macs_verified = false;         // a key was given
  bool head_checked = false;          // the checkpoint was reached and matched
  format::AuditHead head;             // of the last record read (0:H_0 when empty)
  std::optional<VerifyProblem> problem;

  [[nodiscard]] bool intact() const { return !problem; }
};

// Walks the text of a trail: each line decodes, chains from H_0 of `store_id`,
// counts seq from 1, carries a valid MAC when `audit_key` is given, and the
// record at `expected_head`'s seq has its hash. Stops at the first problem.
VerifyReport verify_trail_text(std::string_view text, const format::StoreId& store_id,
                               const secure::SecretBytes* audit_key,
                               const std::optional<format::AuditHead>& expected_head);

class AuditTrail {
 public:
  static AuditTrail for_store(const fs::path& state_dir, const format::StoreId& store_id);

  [[nodiscard]] const fs::path& path() const { return path_; }

  // Appends one record: seq and chain follow the last record; MAC'd when
  // `audit_key` is given. Creates STATE_DIR/audit (0700) and the file (0600).
  // Errc::integrity if the last line is damaged (the trail cannot be
  // extended), Errc::failure on I/O errors.
  Result<format::AuditRecord> append(const AuditEvent& event, const secure::SecretBytes* audit_key) const;
  // Every record, in order; empty if there is no trail yet. Errc::integrity
  // naming the line if one does not decode.
  Result<std::vector<format::AuditRecord>> read_all() const;
  Result<VerifyReport> verify(const secure::SecretBytes* audit_key,
                              const std::optional<format::AuditHead>& expected_head) const;
  // The last record's seq and chain hash, or 0 and H_0 for an empty trail.
  Result<format::AuditHead> head() const;

 private:
  AuditTrail(fs::path state_dir, fs::path path, format::StoreId store_id)
      : state_dir_(std::move(state_dir)), path_(std::move(path)), store_id_(store_id) {}

  Result<std::string> read_text() const;

  fs::path state_dir_;
  fs::path path_;
  format::StoreId store_id_{};
};

}  // namespace vaultx::audit
