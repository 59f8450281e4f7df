// Inside the config layer: glob matching on names already split into
// segments, so that resolving a scope splits each stored name and each
// pattern once instead of once per (pattern, name) pair.
#pragma once

#include <string_view>
#include <vector>

namespace vaultx::config {

// "a/b/c" -> {"a", "b", "c"}; views into `text`.
std::vector<std::string_view> split_segments(std::string_view text);

// A pattern's segments, with runs of "**" collapsed into one (same meaning).
std::vector<std::string_view> split_pattern(std::string_view pattern);

// Buffers reused across calls (no allocation per match once warm).
struct GlobScratch {
  std::vector<char> row;
  std::vector<char> next;
};

// glob_match on a split_pattern and a split_segments name (neither is ever
// empty).
bool glob_match_segments(const std::vector<std::string_view>& pattern, const std::vector<std::string_view>& name,
                         GlobScratch& scratch);

}  // namespace vaultx::config
