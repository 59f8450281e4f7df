#include <vaultx/shell/export.hpp>

#include <vaultx/format/names.hpp>

namespace vaultx::shell {

bool is_environment_name(std::string_view text) {
  if (text.empty() || (text[0] >= '0' && text[0] <= '9')) return false;
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string export_variable(std::string_view name, std::string_view prefix) {
  while (prefix.ends_with('/')) prefix.remove_suffix(1);
  std::string_view relative = name;
  if (!prefix.empty() && name == prefix) {
    const auto slash = name.rfind('/');
    relative = slash == std::string_view::npos ? name : name.substr(slash + 1);
  } else if (!prefix.empty() && name.starts_with(prefix) && name.size() > prefix.size() && name[prefix.size()] == '/') {
    relative = name.substr(prefix.size() + 1);
  }
  if (is_environment_name(relative)) return std::string(relative);
  return format::default_env_name(relative);
}

}  // namespace vaultx::shell
