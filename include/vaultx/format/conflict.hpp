// Files that git left with conflict markers after a merge in which both
// sides changed the same secret:
//
//   <<<<<<< ours-label
//   ...our lines...
//   ||||||| base-label        (only with merge.conflictStyle=diff3 or zdiff3)
//   ...base lines...
//   =======
//   ...their lines...
//   >>>>>>> theirs-label
//
// Lines outside the markers belong to both sides.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vaultx::format {

// True if some line starts with "<<<<<<<" followed by a space or its end.
bool has_conflict_markers(std::string_view text);

struct ConflictSides {
  std::string ours;
  std::string theirs;
};

// Each side's text rebuilt from the markers; nullopt if there is no complete,
// well-nested conflict block, or a block is left open. Total and linear.
std::optional<ConflictSides> split_conflict(std::string_view text);

}  // namespace vaultx::format
