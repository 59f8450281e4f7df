#include <vaultx/exec/supervisor.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "terminal_io.hpp"

namespace vaultx::exec {

namespace {

constexpr std::array kForwardedSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
constexpr std::size_t kChunk = 64 * 1024;
// After the child exits, output still held open by its own children is
// relayed until it goes quiet for this long.
constexpr int kDrainQuietMs = 500;
// exec --watch: how long a child stopped for a restart has to exit after SIGTERM.
constexpr std::int64_t kRestartGraceMs = 10 * 1000;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int exit_status_for_errno(int err) { return (err == ENOENT || err == ENOTDIR) ? 127 : 126; }

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Blocks the forwarded signals and SIGCHLD and reads them from a signalfd,
// so that they are handled in the poll loop rather than in handlers.
class SignalCapture {
 public:
  SignalCapture() {
    sigemptyset(&set_);
    for (int sig : kForwardedSignals) sigaddset(&set_, sig);
    sigaddset(&set_, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &set_, &original_);
    fd_ = ::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK);
    old_pipe_ = std::signal(SIGPIPE, SIG_IGN);
  }
  SignalCapture(const SignalCapture&) = delete;
  SignalCapture& operator=(const SignalCapture&) = delete;
  ~SignalCapture() {
    close_fd(fd_);
    ::sigprocmask(SIG_SETMASK, &original_, nullptr);
    std::signal(SIGPIPE, old_pipe_);
  }
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] const sigset_t& original_mask() const { return original_; }

 private:
  sigset_t set_{};
  sigset_t original_{};
  int fd_ = -1;
  void (*old_pipe_)(int) = SIG_DFL;
};

// One output stream of the child, relayed through its filter to our fd.
struct Relay {
  int from = -1;
  int to = -1;
  std::unique_ptr<OutputFilter> filter;
  Bytes buffer;

  // Returns false once the stream has ended (EOF, or a pty whose slave closed).
  bool pump() {
    char chunk[kChunk];
    const ssize_t n = ::read(from, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) {
      finish();
      return false;
    }
    buffer.clear();
    const ByteView bytes(reinterpret_cast<const std::uint8_t*>(chunk), static_cast<std::size_t>(n));  // NOLINT
    if (filter) {
      filter->feed(bytes, buffer);
    } else {
      buffer.assign(bytes.begin(), bytes.end());
    }
    std::memset(chunk, 0, static_cast<std::size_t>(n));  // raw output may hold a secret
    if (!write_all(to, reinterpret_cast<const char*>(buffer.data()), buffer.size())) {  // NOLINT
      // Our reader went away: stop reading so the child gets SIGPIPE, as it would without us.
      close_fd(from);
      filter.reset();
      return false;
    }
    return true;
  }

  void finish() {
    if (filter) {
      buffer.clear();
      filter->finish(buffer);
      write_all(to, reinterpret_cast<const char*>(buffer.data()), buffer.size());  // NOLINT
      filter.reset();
    }
    close_fd(from);
  }
};

struct ChildFds {
  std::array<int, 3> target{{-1, -1, -1}};  // what to dup2 onto 0, 1, 2 (-1: inherit)
  std::string pty_slave;                    // non-empty: new session with this controlling tty
};

[[noreturn]] void become_child(const LaunchSpec& spec, const ChildFds& fds, const sigset_t& mask, pid_t parent,
                               int error_pipe) {
  // The child must not outlive vaultx: if vaultx is killed, so is it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(125);
  std::signal(SIGPIPE, SIG_DFL);
  ::sigprocmask(SIG_SETMASK, &mask, nullptr);
  std::array<int, 3> target = fds.target;
  if (!fds.pty_slave.empty()) {
    ::setsid();
    const int slave = ::open(fds.pty_slave.c_str(), O_RDWR);
    if (slave >= 0) {
      ::ioctl(slave, TIOCSCTTY, 0);
      for (auto& t : target) {
        if (t == -2) t = slave;  // -2 marks "the pty slave"
      }
    }
  }
  for (int i = 0; i < 3; ++i) {
    if (target[static_cast<std::size_t>(i)] >= 0) ::dup2(target[static_cast<std::size_t>(i)], i);
  }
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));  // NOLINT: execve signature
  argv.push_back(nullptr);
  ::execve(spec.path.c_str(), argv.data(), spec.envp);
  const int err = errno;
  (void)!::write(error_pipe, &err, sizeof err);
  ::_exit(exit_status_for_errno(err));
}

int outcome_code(int status, ChildOutcome& out) {
  if (WIFSIGNALED(status)) {
    out.signal = WTERMSIG(status);
    return 128 + WTERMSIG(status);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace

Plumbing plumbing_for(MaskMode mode, bool stream_is_terminal, bool have_filter) {
  if (mode == MaskMode::never || !have_filter) return Plumbing::inherit;
  if (!stream_is_terminal) return Plumbing::pipe;
  return mode == MaskMode::always ? Plumbing::pty : Plumbing::inherit;
}

Error replace_process(const LaunchSpec& spec, int& exit_code) {
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));  // NOLINT: execve signature
  argv.push_back(nullptr);
  ::execve(spec.path.c_str(), argv.data(), spec.envp);
  const int err = errno;
  exit_code = exit_status_for_errno(err);
  return Error(Errc::failure, "cannot run '" + spec.argv.front() + "': " + std::strerror(err));
}

Result<ChildOutcome> run_supervised(const LaunchSpec& spec, std::string& exec_error) {
  const bool have_filter = static_cast<bool>(spec.make_filter);
  const Plumbing out_plumbing = plumbing_for(spec.mask, ::isatty(STDOUT_FILENO) != 0, have_filter);
  const Plumbing err_plumbing = plumbing_for(spec.mask, ::isatty(STDERR_FILENO) != 0, have_filter);
  const bool use_pty = out_plumbing == Plumbing::pty || err_plumbing == Plumbing::pty;
  const bool relay_stdin = use_pty && ::isatty(STDIN_FILENO) != 0;

  ChildOutcome outcome;
  std::vector<Relay> relays;
  ChildFds fds;
  std::vector<int> child_ends;
  detail::Pty pty;
  if (use_pty) {
    const int like = out_plumbing == Plumbing::pty ? STDOUT_FILENO : STDERR_FILENO;
    VAULTX_ASSIGN(pty, detail::open_pty_like(like));
    fds.pty_slave = pty.slave_path;
    Relay r;
    r.from = pty.master;
    r.to = like;
    r.filter = spec.make_filter();
    relays.push_back(std::move(r));
    if (relay_stdin) fds.target[0] = -2;
  }
  const std::array<Plumbing, 2> plumbing = {out_plumbing, err_plumbing};
  for (int stream = 1; stream <= 2; ++stream) {
    const Plumbing p = plumbing[static_cast<std::size_t>(stream - 1)];
    if (p == Plumbing::pty) {
      fds.target[static_cast<std::size_t>(stream)] = -2;
    } else if (p == Plumbing::pipe) {
      int ends[2];
      if (::pipe2(ends, O_CLOEXEC) != 0) return Error(Errc::failure, "cannot create a pipe for the child's output");
      fds.target[static_cast<std::size_t>(stream)] = ends[1];
      child_ends.push_back(ends[1]);
      Relay r;
      r.from = ends[0];
      r.to = stream;
      r.filter = spec.make_filter();
      relays.push_back(std::move(r));
    }
  }
  outcome.masked_stdout = out_plumbing != Plumbing::inherit;
  outcome.masked_stderr = err_plumbing != Plumbing::inherit;

  int error_pipe[2];
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) return Error(Errc::failure, "cannot create a pipe");
  SignalCapture signals;
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) {
    close_fd(error_pipe[0]);
    close_fd(error_pipe[1]);
    return Error(Errc::failure, std::string("cannot fork: ") + std::strerror(errno));
  }
  if (child == 0) become_child(spec, fds, signals.original_mask(), parent, error_pipe[1]);

  for (int& fd : child_ends) close_fd(fd);
  close_fd(error_pipe[1]);
  int child_errno = 0;
  ssize_t got = 0;
  do {
    got = ::read(error_pipe[0], &child_errno, sizeof child_errno);
  } while (got < 0 && errno == EINTR);
  close_fd(error_pipe[0]);
  if (got == static_cast<ssize_t>(sizeof child_errno)) {
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    for (auto& r : relays) close_fd(r.from);
    exec_error = "cannot run '" + spec.argv.front() + "': " + std::strerror(child_errno);
    outcome.exit_code = exit_status_for_errno(child_errno);
    return outcome;
  }

  std::optional<detail::RawMode> raw;
  if (relay_stdin) raw.emplace(STDIN_FILENO);
  bool stdin_open = relay_stdin;
  std::optional<int> status;
  std::int64_t next_watch = now_ms() + spec.watch_interval_ms;
  std::int64_t restart_deadline = 0;

  while (true) {
    std::vector<pollfd> pfds;
    pfds.push_back({signals.fd(), POLLIN, 0});
    for (auto& r : relays) pfds.push_back({r.from, POLLIN, 0});
    if (stdin_open) pfds.push_back({STDIN_FILENO, POLLIN, 0});
    const bool outputs_open = std::any_of(relays.begin(), relays.end(), [](const Relay& r) { return r.from >= 0; });
    if (status && !outputs_open) break;
    int timeout = status ? kDrainQuietMs : -1;
    if (!status && spec.watch) timeout = std::max<int>(0, static_cast<int>(next_watch - now_ms()));
    const int ready = ::poll(pfds.data(), pfds.size(), timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (!status && spec.watch && now_ms() >= next_watch) {
      // Checked even while the output is busy, so a chatty child is watched too.
      if (!outcome.restart_requested) {
        const WatchVerdict verdict = spec.watch();
        if (verdict.restart) {
          outcome.restart_requested = true;
          restart_deadline = now_ms() + kRestartGraceMs;
          ::kill(child, SIGTERM);
        } else if (verdict.signal != 0) {
          ::kill(child, verdict.signal);
        }
      } else if (restart_deadline != 0 && now_ms() >= restart_deadline) {
        ::kill(child, SIGKILL);  // it ignored SIGTERM: a restart must not wait forever
        restart_deadline = 0;
      }
      next_watch = now_ms() + spec.watch_interval_ms;
    }
    if (ready == 0) {
      if (status) break;  // the child is gone and its output went quiet
      continue;
    }

    if ((pfds[0].revents & POLLIN) != 0) {
      signalfd_siginfo info{};
      while (::read(signals.fd(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        const int sig = static_cast<int>(info.ssi_signo);
        if (sig == SIGCHLD) {
          int st = 0;
          if (::waitpid(child, &st, WNOHANG) == child) status = st;
          continue;
        }
        if (use_pty && sig == SIGWINCH) {
          detail::copy_window_size(relays.front().to, pty.master);
          continue;
        }
        // A signal the terminal sent to the whole foreground group already
        // reached the child (unless it sits behind our pty).
        if (info.ssi_code == SI_KERNEL && !use_pty) continue;
        ::kill(child, sig);
      }
    }
    std::size_t i = 1;
    for (auto& r : relays) {
      if (r.from >= 0 && (pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) r.pump();
      ++i;
    }
    if (stdin_open && (pfds.back().revents & (POLLIN | POLLHUP)) != 0) {
      char buf[4096];
      const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n <= 0) {
        stdin_open = false;
      } else {
        write_all(pty.master, buf, static_cast<std::size_t>(n));
      }
    }
  }
  for (auto& r : relays) {
    if (r.from >= 0) r.finish();
  }
  if (!status) {
    int st = 0;
    while (::waitpid(child, &st, 0) < 0 && errno == EINTR) {
    }
    status = st;
  }
  outcome.exit_code = outcome_code(*status, outcome);
  return outcome;
}

}  // namespace vaultx::exec
