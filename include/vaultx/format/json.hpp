// Minimal JSON output helpers (RFC 8259). Writing only: vaultx's JSON import
// has its own parser.
#pragma once

#include <string>
#include <string_view>

namespace vaultx::format {

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF) that starts at text[i], or 0 if there is
// none. Requires i < text.size().
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);
bool is_valid_utf8(std::string_view text);
// Appends `text` as a JSON string literal. The caller guarantees valid UTF-8;
// control characters are escaped as \uXXXX (or the short forms).
void append_json_string(std::string& out, std::string_view text);
std::string json_string(std::string_view text);

}  // namespace vaultx::format
