#include "audit_view.hpp"

#include <algorithm>

#include <vaultx/format/encoding.hpp>
#include <vaultx/format/json.hpp>
#include <vaultx/format/timestamp.hpp>

namespace vaultx::cli {

namespace {

using format::AuditRecord;

void append_json_list(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    format::append_json_string(out, items[i]);
  }
  out += ']';
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// C0 controls, DEL and the C1 controls U+0080..U+009F (which some terminals
// obey as escape sequences) escaped; the rest of the UTF-8 text as it is.
std::string terminal_safe(std::string_view text) {
  constexpr std::string_view kHex = "0123456789abcdef";
  auto hex2 = [&](unsigned char c) { return std::string{kHex[c >> 4], kHex[c & 0x0F]}; };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const unsigned char next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c == 0xC2 && next >= 0x80 && next < 0xA0) {
      out += "\\u00" + hex2(next);
      ++i;
    } else if (c < 0x20 || c == 0x7f || c == '\\') {
      out += "\\x" + hex2(c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string details(const AuditRecord& r) {
  std::vector<std::string> parts;
  if (!r.names.empty()) parts.push_back(join(r.names, " "));
  if (!r.scopes.empty()) parts.push_back("scope=" + join(r.scopes, ","));
  if (!r.prefix.empty()) parts.push_back("prefix=" + r.prefix);
  if (!r.command.empty()) parts.push_back("cmd=" + r.command);
  if (r.status) parts.push_back("status=" + std::to_string(*r.status));
  if (!r.reason.empty()) parts.push_back("(" + r.reason + ")");
  return terminal_safe(join(parts, " "));
}

// Appends ,"name": for the value to follow.
std::string& key(std::string& out, std::string_view name) {
  out += ",\"";
  out += name;
  out += "\":";
  return out;
}

}  // namespace

void append_audit_json(std::string& out, const AuditRecord& r) {
  out += "{\"seq\":" + std::to_string(r.seq);
  format::append_json_string(key(out, "time"), format::format_rfc3339(r.time));
  format::append_json_string(key(out, "op"), r.op);
  format::append_json_string(key(out, "outcome"), format::outcome_name(r.outcome));
  format::append_json_string(key(out, "reason"), r.reason);
  format::append_json_string(key(out, "user"), r.user);
  key(out, "uid") += std::to_string(r.uid);
  key(out, "pid") += std::to_string(r.pid);
  append_json_list(key(out, "names"), r.names);
  if (!r.scopes.empty()) {
    format::append_json_string(key(out, "scope"), join(r.scopes, ","));
    append_json_list(key(out, "scopes"), r.scopes);
  }
  if (!r.prefix.empty()) format::append_json_string(key(out, "prefix"), r.prefix);
  if (!r.command.empty()) format::append_json_string(key(out, "command"), r.command);
  if (r.status) key(out, "status") += std::to_string(*r.status);
  format::append_json_string(key(out, "chain"), format::hex_encode(r.chain));
  if (r.mac) {
    format::append_json_string(key(out, "mac"), format::hex_encode(*r.mac));
  } else {
    key(out, "mac") += "null";
  }
  out += "}\n";
}

void AuditTable::add(const AuditRecord& r) {
  rows_.push_back({std::to_string(r.seq), format::format_rfc3339(r.time), terminal_safe(r.user), r.op,
                   std::string(format::outcome_name(r.outcome)), details(r)});
  seq_width_ = std::max(seq_width_, rows_.back().seq.size());
  user_width_ = std::max(user_width_, rows_.back().user.size());
  op_width_ = std::max(op_width_, r.op.size());
}

std::string AuditTable::render() const {
  if (rows_.empty()) return {};
  std::string out;
  auto cell = [&out](std::string_view text, std::size_t width) {
    out += text;
    out.append(width > text.size() ? width - text.size() : 0, ' ');
    out += "  ";
  };
  auto line = [&](const Row& row) {
    cell(row.seq, seq_width_);
    cell(row.time, 20);
    cell(row.user, user_width_);
    cell(row.op, op_width_);
    cell(row.outcome, 7);
    out += row.details;
    while (out.back() == ' ') out.pop_back();
    out += '\n';
  };
  line(Row{"SEQ", "TIME", "USER", "OP", "OUTCOME", "DETAILS"});
  for (const auto& row : rows_) line(row);
  return out;
}

}  // namespace vaultx::cli
