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

// SEQ  TIME  USER  OP  OUTCOME  DETAILS, columns sized to fit; empty when there are no records.
std::string render_audit_table(const std::vector<const format::AuditRecord*>& records);

}  // namespace vaultx::cli
