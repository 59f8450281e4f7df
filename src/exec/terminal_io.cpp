#include "terminal_io.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace vaultx::exec::detail {

Result<Pty> open_pty_like(int like_fd) {
  Pty pty;
  pty.master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (pty.master < 0 || ::grantpt(pty.master) != 0 || ::unlockpt(pty.master) != 0) {
    if (pty.master >= 0) ::close(pty.master);
    return Error(Errc::failure, std::string("cannot open a pseudo-terminal: ") + std::strerror(errno),
                 "use --mask auto or --mask never");
  }
  const char* name = ::ptsname(pty.master);
  pty.slave_path = name != nullptr ? name : "";
  termios settings{};
  if (::tcgetattr(like_fd, &settings) == 0) {
    const int slave = ::open(pty.slave_path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave >= 0) {
      ::tcsetattr(slave, TCSANOW, &settings);
      ::close(slave);
    }
  }
  copy_window_size(like_fd, pty.master);
  return pty;
}

void copy_window_size(int from_fd, int pty_master) {
  winsize ws{};
  if (::ioctl(from_fd, TIOCGWINSZ, &ws) == 0) ::ioctl(pty_master, TIOCSWINSZ, &ws);
}

RawMode::RawMode(int fd) : fd_(fd) {
  termios t{};
  if (::tcgetattr(fd, &t) != 0) return;
  saved_ = t;
  ::cfmakeraw(&t);
  ::tcsetattr(fd, TCSANOW, &t);
}

RawMode::~RawMode() {
  if (saved_) ::tcsetattr(fd_, TCSANOW, &*saved_);
}

}  // namespace vaultx::exec::detail
