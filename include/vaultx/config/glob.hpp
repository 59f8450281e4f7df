// Secret-name patterns used in vaultx.toml (`secrets = [...]`, `match = ...`).
//
// A pattern is a secret name whose segments may hold '*':
//   *    inside a segment: any run of characters, never crossing '/'
//        ("aws/*" matches "aws/key", not "aws/prod/key"; "key-*" matches "key-" too)
//   **   as a whole segment: any number of whole segments, as in .gitignore:
//        "a/**"   matches everything below a ("a/b", "a/b/c"), NOT "a" itself
//        "**/b"   matches "b", "x/b", "x/y/b"
//        "a/**/b" matches "a/b", "a/x/b", "a/x/y/b"
//        "**"     matches every name
// Every other character is literal ('.' is a dot, not "any character"); there
// is no '?', '[...]' or escaping, since none of those can occur in a name.
#pragma once

#include <string_view>

#include <vaultx/error.hpp>

namespace vaultx::config {

// True if the pattern holds a '*' (so it may match many names, or none).
bool is_glob(std::string_view pattern);

// Errc::usage unless `pattern` is a valid secret name, or a glob whose
// segments are valid once their '*' are removed and whose "**" stand alone.
// Messages name the pattern and the rule it breaks, without a file position
// (the caller adds "FILE:LINE: ").
Status validate_pattern(std::string_view pattern);

// Whether `name` matches `pattern` under the rules above. Runs in
// O(len(pattern) * len(name)) at worst, whatever the number of '*' and '**'.
// An invalid pattern matches nothing useful: validate it first.
bool glob_match(std::string_view pattern, std::string_view name);

}  // namespace vaultx::config
