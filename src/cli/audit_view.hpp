// Rendering audit records for `vaultx audit`: a table for people, one JSON
// object per line for tools. Text in a record came from a file anyone with
// write access could edit, so the table escapes every control character.
#pragma once

#include <string>
#include <vector>

#include <vaultx/format/audit_record.hpp>

namespace vaultx::cli {

// {"seq":..,"time":..,"op":..,"outcome":..,"reason":..,"user":..,"uid":..,"pid":..,"names":[..],
//  ["scope":"a,b","scopes":[..],] ["prefix":..,] ["command":..,] ["status":..,] "chain":..,"mac":..|null}
void append_audit_json(std::string& out, const format::AuditRecord& record);

// SEQ  TIME  USER  OP  OUTCOME  DETAILS, columns sized to fit. Keeps only the
// rendered cells of each row, so a long trail costs little memory.
class AuditTable {
 public:
  void add(const format::AuditRecord& record);
  // Empty when no row was added.
  [[nodiscard]] std::string render() const;

 private:
  struct Row {
    std::string seq, time, user, op, outcome, details;
  };
  std::vector<Row> rows_;
  std::size_t seq_width_ = 3, user_width_ = 4, op_width_ = 2;
};

}  // namespace vaultx::cli
