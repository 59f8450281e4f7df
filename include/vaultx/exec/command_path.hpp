// Finding the program to run the way execvp(3) does, but against the child's
// PATH, so that errors can be told apart before anything is started:
// 127 not found, 126 found but not executable.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <vaultx/error.hpp>

namespace vaultx::exec {

enum class LookupFailure { not_found, not_executable };

struct CommandLookup {
  std::string path;  // absolute or as given (contains '/') when found
  bool found = false;
  LookupFailure failure = LookupFailure::not_found;
};

// `path_variable` is the child's PATH; unset means the default search path.
CommandLookup find_command(std::string_view command, std::optional<std::string_view> path_variable);

// The exit status env(1) uses for a failure to start: 126 or 127.
inline int exit_status_for(LookupFailure f) { return f == LookupFailure::not_executable ? 126 : 127; }

}  // namespace vaultx::exec
