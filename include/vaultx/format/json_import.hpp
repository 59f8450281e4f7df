// JSON (RFC 8259) read for import: an object whose values are strings or,
// nested, more such objects. Nested keys are joined with '/':
//
//   {"openai": {"api-key": "sk-..."}, "DATABASE_URL": "postgres://..."}
//     -> openai/api-key, DATABASE_URL
//
// The parser is strict (no comments, trailing commas, single quotes, NaN or
// duplicate keys; valid UTF-8 only; a leading byte order mark is skipped),
// pure and total: any bytes in, the entries or an error naming the source,
// line and column, never a value.
//
// walk_json is the same parser as a visitor over every leaf, for callers
// that read other JSON files (lockfiles for `vaultx doctor`), optionally
// with arrays and non-string scalars.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <vaultx/error.hpp>
#include <vaultx/format/import_entry.hpp>

namespace vaultx::format {

enum class JsonLeafKind { string, number, boolean, null };

struct JsonLeaf {
  const std::vector<std::string>& path;  // keys from the top; array elements by index ("0", "1", ...)
  JsonLeafKind kind;
  std::string_view text;  // a string's decoded contents, or the literal as written; valid during the call
  std::size_t line;
};

struct JsonWalkOptions {
  bool allow_arrays = false;   // else an array is an error naming its key
  bool allow_scalars = false;  // numbers, true, false, null; else an error naming the key
  std::size_t max_depth = 64;  // nesting of objects and arrays
};

using JsonVisitor = std::function<Status(const JsonLeaf&)>;

// Calls `visit` for each leaf in document order; stops at its first error.
// The top level must be an object. Errc::usage on malformed input.
Status walk_json(std::string_view text, std::string_view source, const JsonWalkOptions& options,
                 const JsonVisitor& visit);

// Every string of the object, its keys joined with '/', in document order.
Result<std::vector<ImportedEntry>> parse_json_import(std::string_view text, std::string_view source);

}  // namespace vaultx::format
