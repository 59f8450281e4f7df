// Verification of a whole trail: a single pass that recomputes the chain
// from H_0 and checks every MAC, stopping at the first record that fails.
#include <vaultx/audit/trail.hpp>

namespace vaultx::audit {

namespace {

using format::AuditHash;
using format::AuditHead;

VerifyProblem problem_at(Problem kind, std::size_t line, std::optional<std::uint64_t> seq, std::string detail) {
  return VerifyProblem{kind, line, seq, std::move(detail)};
}

std::string chain_detail(std::uint64_t seq, std::uint64_t expected_seq) {
  std::string detail = "its chain hash does not follow from the record before: it was edited, inserted or "
                       "reordered, or a record before it was deleted";
  if (seq != expected_seq) {
    detail += " (seq " + std::to_string(seq) + " where " + std::to_string(expected_seq) + " was expected)";
  }
  return detail;
}

// The walk's state between lines.
struct Walk {
  AuditHash previous;
  std::uint64_t expected_seq = 1;
  std::size_t line = 0;
};

}  // namespace

std::string_view problem_name(Problem problem) {
  switch (problem) {
    case Problem::malformed: return "malformed record";
    case Problem::chain_broken: return "chain broken";
    case Problem::bad_mac: return "bad MAC";
    case Problem::seq_gap: return "seq gap";
    case Problem::head_mismatch: return "head checkpoint mismatch";
    case Problem::truncated: return "truncated";
  }
  return "problem";
}

VerifyReport verify_trail_text(std::string_view text, const format::StoreId& store_id,
                               const secure::SecretBytes* audit_key, const std::optional<AuditHead>& expected) {
  VerifyReport report;
  report.macs_verified = audit_key != nullptr;
  Walk walk{format::audit_genesis(store_id)};
  report.head = AuditHead{0, walk.previous};
  if (expected && expected->seq == 0) {
    if (!format::audit_hash_equal(expected->hash, walk.previous)) {
      report.problem = problem_at(Problem::head_mismatch, 0, 0, "the checkpoint's hash is not H_0 of this store");
      return report;
    }
    report.head_checked = true;
  }

  std::size_t pos = 0;
  while (pos < text.size()) {
    ++walk.line;
    const std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      report.problem = problem_at(Problem::malformed, walk.line, std::nullopt,
                                  "the last line is incomplete (no newline): a write was cut short or the file "
                                  "was truncated");
      return report;
    }
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;

    auto record = format::decode_audit_record(line);
    if (!record) {
      report.problem = problem_at(Problem::malformed, walk.line, std::nullopt, record.error().message);
      return report;
    }
    const AuditHash chain = format::audit_chain_next(walk.previous, format::audit_body_of(line));
    if (!format::audit_hash_equal(chain, record->chain)) {
      report.problem = problem_at(Problem::chain_broken, walk.line, record->seq,
                                  chain_detail(record->seq, walk.expected_seq));
      return report;
    }
    if (audit_key != nullptr && record->mac) {
      if (!format::audit_hash_equal(format::audit_mac(audit_key->span(), chain), *record->mac)) {
        report.problem = problem_at(Problem::bad_mac, walk.line, record->seq,
                                    "its MAC does not match: the trail was rewritten from here on by someone "
                                    "without the store's key");
        return report;
      }
      ++report.macs_checked;
      report.unauthenticated_tail = 0;
    } else if (audit_key != nullptr) {
      ++report.unauthenticated_tail;
    }
    if (record->seq != walk.expected_seq) {
      report.problem = problem_at(Problem::seq_gap, walk.line, record->seq,
                                  "seq " + std::to_string(record->seq) + " where " +
                                      std::to_string(walk.expected_seq) + " was expected");
      return report;
    }
    if (expected && expected->seq == record->seq) {
      if (!format::audit_hash_equal(expected->hash, chain)) {
        report.problem = problem_at(Problem::head_mismatch, walk.line, record->seq,
                                    "its hash differs from the checkpoint: the trail up to it was rewritten");
        return report;
      }
      report.head_checked = true;
    }
    walk.previous = chain;
    ++walk.expected_seq;
    ++report.records;
    report.head = AuditHead{record->seq, chain};
  }

  if (expected && !report.head_checked) {
    report.problem = problem_at(Problem::truncated, walk.line + 1, expected->seq,
                                "the trail ends at seq " + std::to_string(report.records) +
                                    ", before the checkpoint's seq " + std::to_string(expected->seq) +
                                    ": records were deleted from its end");
  }
  return report;
}

}  // namespace vaultx::audit
