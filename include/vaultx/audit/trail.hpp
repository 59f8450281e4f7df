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
#include <functional>
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

// Checks a trail one line at a time: each line decodes, chains from H_0 of
// the store, counts seq from 1, carries a valid MAC when a key is given, and
// the record at the expected head's seq has its hash. Stops at the first problem.
class TrailVerifier {
 public:
  TrailVerifier(const format::StoreId& store_id, const secure::SecretBytes* audit_key,
                std::optional<format::AuditHead> expected_head);
  // A store that was rekeyed MACs its records with one audit key per master
  // key: `keys` holds them oldest first (the last is the current one). A
  // record's MAC may be under the key in use or a later one; the verifier
  // only ever moves forward through the list, at the record where the key
  // changed (rekey writes its last record under the old key).
  TrailVerifier(const format::StoreId& store_id, const std::vector<secure::SecretBytes>& keys,
                std::optional<format::AuditHead> expected_head);
  // One complete line, without its LF. False once a problem has been found.
  bool add_line(std::string_view line);
  // Bytes after the last LF: a write cut short, or a truncated file.
  void add_incomplete_line();
  // The report, including a checkpoint the trail never reached.
  VerifyReport finish();

 private:
  bool fail(Problem kind, std::optional<std::uint64_t> seq, std::string detail);

  const secure::SecretBytes* key_;
  std::vector<const secure::SecretBytes*> later_keys_;  // after key_, oldest first
  std::optional<format::AuditHead> expected_;
  format::AuditHash previous_;
  std::size_t line_ = 0;
  VerifyReport report_;
};

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
  // The same, one record at a time in constant memory; stops early when
  // `visit` returns false.
  Status for_each(const std::function<bool(const format::AuditRecord&)>& visit) const;
  Result<VerifyReport> verify(const secure::SecretBytes* audit_key,
                              const std::optional<format::AuditHead>& expected_head) const;
  // The same with the audit keys of every master key the store had, oldest first.
  Result<VerifyReport> verify(const std::vector<secure::SecretBytes>& audit_keys,
                              const std::optional<format::AuditHead>& expected_head) const;
  // The last record's seq and chain hash, or 0 and H_0 for an empty trail.
  Result<format::AuditHead> head() const;

 private:
  AuditTrail(fs::path state_dir, fs::path path, format::StoreId store_id)
      : state_dir_(std::move(state_dir)), path_(std::move(path)), store_id_(store_id) {}

  // Feeds every line to `visit(line, complete)`, reading in chunks under a
  // shared lock; `complete` is false for bytes after the last LF. Stops
  // when `visit` returns false. Nothing to do if there is no trail yet.
  Status scan_lines(const std::function<bool(std::string_view, bool)>& visit) const;

  fs::path state_dir_;
  fs::path path_;
  format::StoreId store_id_{};
};

}  // namespace vaultx::audit
