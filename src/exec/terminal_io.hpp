// Pseudo-terminal and raw-mode helpers for --mask always on a terminal
// (private to the exec layer).
#pragma once

#include <termios.h>

#include <optional>
#include <string>

#include <vaultx/error.hpp>

namespace vaultx::exec::detail {

struct Pty {
  int master = -1;
  std::string slave_path;
};

// A new pty whose slave copies the settings and size of `like_fd` (a terminal).
Result<Pty> open_pty_like(int like_fd);
// Copies the window size of `from_fd` to the pty (the child then gets SIGWINCH).
void copy_window_size(int from_fd, int pty_master);

// Puts a terminal in raw mode for the guard's lifetime, so keystrokes
// (Ctrl-C included) reach the child's pty instead of signalling vaultx.
class RawMode {
 public:
  explicit RawMode(int fd);
  RawMode(const RawMode&) = delete;
  RawMode& operator=(const RawMode&) = delete;
  ~RawMode();

 private:
  int fd_;
  std::optional<termios> saved_;
};

}  // namespace vaultx::exec::detail
