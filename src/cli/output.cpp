#include "output.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace vaultx::cli {

namespace {
void write_fd(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}
}  // namespace

Status write_stdout(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error(Errc::failure, std::string("cannot write to standard output: ") + std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

void print_error(const Error& error) {
  write_fd(STDERR_FILENO, "vaultx: error: " + error.message + "\n");
  if (!error.hint.empty()) write_fd(STDERR_FILENO, "vaultx: hint: " + error.hint + "\n");
}

void print_warning(std::string_view message) {
  write_fd(STDERR_FILENO, "vaultx: warning: " + std::string(message) + "\n");
}

void print_note(std::string_view message) { write_fd(STDERR_FILENO, "vaultx: " + std::string(message) + "\n"); }

}  // namespace vaultx::cli
