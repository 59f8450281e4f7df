// Verification of a whole trail: a single pass that recomputes the chain
// from H_0 and checks every MAC, stopping at the first record that fails.
#include <vaultx/audit/trail.hpp>

namespace vaultx::audit {

namespace {

using format::AuditHash;
using format::AuditHead;

std::string chain_detail(std::uint64_t seq, std::uint64_t expected_seq) {
  std::string detail = "its chain hash does not follow from the record before: it was edited, inserted or "
                       "reordered, or a record before it was deleted";
  if (seq != expected_seq) {
    detail += " (seq " + std::to_string(seq) + " where " + std::to_string(expected_seq) + " was expected)";
  }
  return detail;
}

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

TrailVerifier::TrailVerifier(const format::StoreId& store_id, const secure::SecretBytes* audit_key,
                             std::optional<AuditHead> expected_head)
    : key_(audit_key), expected_(std::move(expected_head)), previous_(format::audit_genesis(store_id)) {
  report_.macs_verified = key_ != nullptr;
  report_.head = AuditHead{0, previous_};
  if (expected_ && expected_->seq == 0) {
    if (format::audit_hash_equal(expected_->hash, previous_)) {
      report_.head_checked = true;
    } else {
      fail(Problem::head_mismatch, 0, "the checkpoint's hash is not H_0 of this store");
    }
  }
}

TrailVerifier::TrailVerifier(const format::StoreId& store_id, const std::vector<secure::SecretBytes>& keys,
                             std::optional<AuditHead> expected_head)
    : TrailVerifier(store_id, keys.empty() ? nullptr : &keys.front(), std::move(expected_head)) {
  for (std::size_t i = 1; i < keys.size(); ++i) later_keys_.push_back(&keys[i]);
}

bool TrailVerifier::fail(Problem kind, std::optional<std::uint64_t> seq, std::string detail) {
  if (!report_.problem) report_.problem = VerifyProblem{kind, line_, seq, std::move(detail)};
  return false;
}

bool TrailVerifier::add_line(std::string_view line) {
  if (report_.problem) return false;
  ++line_;
  auto record = format::decode_audit_record(line);
  if (!record) return fail(Problem::malformed, std::nullopt, record.error().message);
  const std::uint64_t expected_seq = report_.records + 1;
  const AuditHash chain = format::audit_chain_next(previous_, format::audit_body_of(line));
  if (!format::audit_hash_equal(chain, record->chain)) {
    return fail(Problem::chain_broken, record->seq, chain_detail(record->seq, expected_seq));
  }
  if (key_ != nullptr && record->mac) {
    // After a rekey the MACs move to a later key (rekeys made elsewhere may
    // skip some), never back.
    if (!format::audit_hash_equal(format::audit_mac(key_->span(), chain), *record->mac)) {
      for (std::size_t j = 0; j < later_keys_.size(); ++j) {
        if (format::audit_hash_equal(format::audit_mac(later_keys_[j]->span(), chain), *record->mac)) {
          key_ = later_keys_[j];
          later_keys_.erase(later_keys_.begin(), later_keys_.begin() + static_cast<std::ptrdiff_t>(j) + 1);
          break;
        }
      }
    }
    if (!format::audit_hash_equal(format::audit_mac(key_->span(), chain), *record->mac)) {
      return fail(Problem::bad_mac, record->seq,
                  "its MAC does not match: the trail was rewritten from here on by someone without the "
                  "store's key");
    }
    ++report_.macs_checked;
    report_.unauthenticated_tail = 0;
  } else if (key_ != nullptr) {
    ++report_.unauthenticated_tail;
  }
  if (record->seq != expected_seq) {
    return fail(Problem::seq_gap, record->seq,
                "seq " + std::to_string(record->seq) + " where " + std::to_string(expected_seq) + " was expected");
  }
  if (expected_ && expected_->seq == record->seq) {
    if (!format::audit_hash_equal(expected_->hash, chain)) {
      return fail(Problem::head_mismatch, record->seq,
                  "its hash differs from the checkpoint: the trail up to it was rewritten");
    }
    report_.head_checked = true;
  }
  previous_ = chain;
  ++report_.records;
  report_.head = AuditHead{record->seq, chain};
  return true;
}

void TrailVerifier::add_incomplete_line() {
  if (report_.problem) return;
  ++line_;
  fail(Problem::malformed, std::nullopt,
       "the last line is incomplete (no newline): a write was cut short or the file was truncated");
}

VerifyReport TrailVerifier::finish() {
  if (!report_.problem && expected_ && !report_.head_checked) {
    ++line_;
    fail(Problem::truncated, expected_->seq,
         "the trail ends at seq " + std::to_string(report_.records) + ", before the checkpoint's seq " +
             std::to_string(expected_->seq) + ": records were deleted from its end");
  }
  return report_;
}

}  // namespace vaultx::audit
