#include <vaultx/exec/command_path.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <optional>

namespace vaultx::exec {

namespace {
constexpr std::string_view kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

enum class Candidate { absent, runnable, not_runnable };

Candidate probe(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Candidate::absent;
  if (S_ISDIR(st.st_mode)) return Candidate::not_runnable;
  return ::access(path.c_str(), X_OK) == 0 ? Candidate::runnable : Candidate::not_runnable;
}
}  // namespace

CommandLookup find_command(std::string_view command, std::optional<std::string_view> path_variable) {
  CommandLookup out;
  if (command.empty()) return out;
  if (command.find('/') != std::string_view::npos) {
    out.path = std::string(command);
    const Candidate c = probe(out.path);
    out.found = c == Candidate::runnable;
    out.failure = c == Candidate::absent ? LookupFailure::not_found : LookupFailure::not_executable;
    return out;
  }
  const std::string_view search = path_variable.value_or(kDefaultPath);
  bool saw_unrunnable = false;
  std::size_t start = 0;
  while (start <= search.size()) {
    const std::size_t colon = search.find(':', start);
    std::string_view dir = search.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
    if (dir.empty()) dir = ".";  // an empty PATH entry means the current directory
    std::string candidate = std::string(dir) + "/" + std::string(command);
    switch (probe(candidate)) {
      case Candidate::runnable:
        out.path = std::move(candidate);
        out.found = true;
        return out;
      case Candidate::not_runnable: saw_unrunnable = true; break;
      case Candidate::absent: break;
    }
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  out.failure = saw_unrunnable ? LookupFailure::not_executable : LookupFailure::not_found;
  return out;
}

}  // namespace vaultx::exec
