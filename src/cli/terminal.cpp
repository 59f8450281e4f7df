#include "terminal.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

namespace vaultx::cli {

namespace {
// State needed to restore the terminal from a signal handler.
int g_tty_fd = -1;
termios g_saved{};
volatile sig_atomic_t g_echo_off = 0;

void restore_and_reraise(int sig) {
  if (g_echo_off != 0) tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved);
  (void)!::write(g_tty_fd, "\n", 1);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd) {
    if (tcgetattr(fd, &g_saved) != 0) return;
    termios quiet = g_saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    g_tty_fd = fd;
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP}) old_[index(sig)] = std::signal(sig, restore_and_reraise);
    if (tcsetattr(fd, TCSAFLUSH, &quiet) == 0) g_echo_off = 1;
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
  ~EchoOff() {
    if (g_echo_off != 0) tcsetattr(fd_, TCSAFLUSH, &g_saved);
    g_echo_off = 0;
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP}) std::signal(sig, old_[index(sig)]);
  }

 private:
  static std::size_t index(int sig) { return static_cast<std::size_t>(sig) % 32; }
  int fd_;
  void (*old_[32])(int) = {};
};

int open_tty() { return ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC); }
}  // namespace

bool has_terminal() {
  const int fd = open_tty();
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

Result<std::optional<secure::SecretBytes>> prompt_hidden(std::string_view prompt) {
  const int fd = open_tty();
  if (fd < 0) return std::optional<secure::SecretBytes>{};
  secure::SecretBytes line;
  {
    EchoOff quiet(fd);
    (void)!::write(fd, prompt.data(), prompt.size());
    std::uint8_t c = 0;
    while (true) {
      const ssize_t n = ::read(fd, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || c == '\n') break;
      line.append(std::span(&c, 1));
      if (line.size() > 64 * 1024) break;
    }
    c = 0;
  }
  ::close(fd);
  if (line.view().ends_with('\r')) line.truncate(line.size() - 1);
  return std::optional<secure::SecretBytes>(std::move(line));
}

Result<std::optional<std::string>> prompt_line(std::string_view prompt) {
  const int fd = open_tty();
  if (fd < 0) return std::optional<std::string>{};
  (void)!::write(fd, prompt.data(), prompt.size());
  std::string line;
  char c = 0;
  while (line.size() < 1024) {
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') break;
    line += c;
  }
  ::close(fd);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return std::optional<std::string>(std::move(line));
}

Result<std::optional<secure::SecretBytes>> prompt_hidden_twice(std::string_view prompt, std::string_view what) {
  VAULTX_ASSIGN(auto first, prompt_hidden(prompt));
  if (!first) return first;
  VAULTX_ASSIGN(auto second, prompt_hidden("Repeat " + std::string(what) + ": "));
  if (!second || !first->equals(*second)) {
    return Error(Errc::usage, "the two " + std::string(what) + " entries do not match", "type it again");
  }
  return first;
}

}  // namespace vaultx::cli
