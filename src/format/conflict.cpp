#include <vaultx/format/conflict.hpp>

namespace vaultx::format {

namespace {
// A marker line: seven copies of `c`, then the end of the line or a space.
bool is_marker(std::string_view line, char c) {
  if (line.size() < 7 || line.find_first_not_of(c) < 7) return false;
  return line.size() == 7 || line[7] == ' ';
}
}  // namespace

bool has_conflict_markers(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    if (is_marker(line, '<')) return true;
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return false;
}

std::optional<ConflictSides> split_conflict(std::string_view text) {
  enum class In { both, ours, base, theirs } state = In::both;
  ConflictSides sides;
  bool any_block = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    const std::string_view line_with_nl = text.substr(pos, end - pos);
    const std::string_view line = line_with_nl.substr(0, nl == std::string_view::npos ? line_with_nl.size()
                                                                                       : line_with_nl.size() - 1);
    pos = end;
    if (is_marker(line, '<')) {
      if (state != In::both) return std::nullopt;
      state = In::ours;
      any_block = true;
    } else if (is_marker(line, '|')) {
      if (state != In::ours) return std::nullopt;
      state = In::base;
    } else if (is_marker(line, '=') && line.size() == 7) {
      if (state != In::ours && state != In::base) return std::nullopt;
      state = In::theirs;
    } else if (is_marker(line, '>')) {
      if (state != In::theirs) return std::nullopt;
      state = In::both;
    } else if (state == In::both) {
      sides.ours += line_with_nl;
      sides.theirs += line_with_nl;
    } else if (state == In::ours) {
      sides.ours += line_with_nl;
    } else if (state == In::theirs) {
      sides.theirs += line_with_nl;
    }
  }
  if (state != In::both || !any_block) return std::nullopt;
  return sides;
}

}  // namespace vaultx::format
