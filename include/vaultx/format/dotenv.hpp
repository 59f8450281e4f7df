// A dotenv parser with the grammar of the reference implementation, the npm
// `dotenv` package (its default parser, `dotenv.parse(text)`):
//
//   # a comment line; blank lines are ignored
//   KEY=value                 unquoted: up to the first '#', trimmed
//   KEY = value # comment     spaces around '=' are fine; '#' starts a comment
//   export KEY=value          an `export ` prefix is dropped
//   KEY: value                a colon and a space instead of '='
//   KEY='single'  KEY="double"  KEY=`backtick`
//                             quoted values are verbatim and may span lines;
//                             inside double quotes the two-character
//                             sequences \n and \r become a newline and a
//                             carriage return; nothing else is unescaped
//                             (\" keeps its backslash)
//
// Keys are [A-Za-z0-9_.-]+. CRLF and lone CR end lines, as LF does. A later
// definition of a key replaces an earlier one (the result keeps both; see
// parse_dotenv). Whitespace is JavaScript's (\s): it includes NBSP and the
// other Unicode spaces.
//
// The reference parser never fails: it skips what it cannot match, and an
// unclosed quote silently becomes part of the value. This parser is stricter
// and fails instead, naming the line, wherever the reference would have
// skipped or guessed:
//
//  - a line that is not blank, a comment or an entry (`KEY` alone, `KEY :x`);
//  - a quoted value that is never closed, or whose closing quote is followed
//    by anything but spaces and a comment;
//  - a line or paragraph separator (U+2028, U+2029) outside quotes, which the
//    reference treats as a line break in some places and not in others;
//  - bytes that are not UTF-8 (the reference reads them as U+FFFD);
//  - the key __proto__, which the reference drops.
//
// On every input it accepts, the result is exactly what the reference
// returns (tests/e2e/test_import_export.py checks this against the real
// package). Errors name the source and the line, never a value.
#pragma once

#include <string_view>
#include <vector>

#include <vaultx/error.hpp>
#include <vaultx/format/import_entry.hpp>

namespace vaultx::format {

// Every entry in file order, later duplicates included (the reference keeps
// the last one). Errc::usage "SOURCE:LINE: ..." on anything outside the
// grammar above. Pure and total.
Result<std::vector<ImportedEntry>> parse_dotenv(std::string_view text, std::string_view source);

// True for a key the dotenv grammar accepts: [A-Za-z0-9_.-]+.
bool is_dotenv_key(std::string_view key);

}  // namespace vaultx::format
