#include <vaultx/exec/child_env.hpp>

#include <algorithm>
#include <cstring>

namespace vaultx::exec {

namespace {
std::string_view variable_name(std::string_view entry) { return entry.substr(0, entry.find('=')); }

bool kept_by_clean_env(std::string_view name) {
  return std::find(std::begin(kCleanEnvKeep), std::end(kCleanEnvKeep), name) != std::end(kCleanEnvKeep);
}

bool is_injected(std::string_view name, const std::vector<InjectedVariable>& injected) {
  return std::any_of(injected.begin(), injected.end(), [&](const auto& v) { return v.variable == name; });
}
}  // namespace

bool is_vaultx_variable(std::string_view entry) { return entry.starts_with("VAULTX_"); }

Result<ChildEnvironment> ChildEnvironment::build(const char* const* parent_environ, bool clean_env,
                                                 const std::vector<InjectedVariable>& injected) {
  std::size_t block_size = 0;
  for (const auto& v : injected) {
    const auto value = v.value->view();
    if (value.find('\0') != std::string_view::npos) {
      return Error(Errc::usage, "secret '" + v.secret_name + "' contains a NUL byte, which an environment "
                                "variable cannot hold",
                   "use 'vaultx get --raw' for binary values, or drop it from the scope");
    }
    block_size += v.variable.size() + 1 + value.size() + 1;
  }

  ChildEnvironment env;
  env.block_ = secure::SecretBytes(block_size);
  for (const char* const* e = parent_environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry = *e;
    const std::string_view name = variable_name(entry);
    if (is_vaultx_variable(entry) || (clean_env && !kept_by_clean_env(name)) || is_injected(name, injected)) {
      continue;
    }
    env.pointers_.push_back(const_cast<char*>(*e));  // NOLINT: execve's signature, never written through
  }
  auto* cursor = reinterpret_cast<char*>(env.block_.data());  // NOLINT: byte block to C strings
  for (const auto& v : injected) {
    env.pointers_.push_back(cursor);
    std::memcpy(cursor, v.variable.data(), v.variable.size());
    cursor += v.variable.size();
    *cursor++ = '=';
    const auto value = v.value->view();
    if (!value.empty()) std::memcpy(cursor, value.data(), value.size());
    cursor += value.size();
    *cursor++ = '\0';
  }
  env.pointers_.push_back(nullptr);
  return env;
}

std::optional<std::string_view> ChildEnvironment::get(std::string_view name) const {
  for (const char* entry : pointers_) {
    if (entry == nullptr) break;
    const std::string_view e = entry;
    if (e.size() > name.size() && e.starts_with(name) && e[name.size()] == '=') return e.substr(name.size() + 1);
  }
  return std::nullopt;
}

}  // namespace vaultx::exec
