// Minimal JSON output helpers (RFC 8259). Writing only: vaultx's JSON import
// has its own parser.
#pragma once

#include <string>
#include <string_view>

namespace vaultx::format {

bool is_valid_utf8(std::string_view text);
// Appends `text` as a JSON string literal. The caller guarantees valid UTF-8;
// control characters are escaped as \uXXXX (or the short forms).
void append_json_string(std::string& out, std::string_view text);
std::string json_string(std::string_view text);

}  // namespace vaultx::format
