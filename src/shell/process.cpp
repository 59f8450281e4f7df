#include <vaultx/shell/process.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <vaultx/exec/child_env.hpp>
#include <vaultx/exec/command_path.hpp>

extern char** environ;  // NOLINT: POSIX

namespace vaultx::shell {

namespace {

constexpr std::size_t kMaxStderr = 8 * 1024;

class Pipe {
 public:
  Pipe() = default;
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    close_read();
    close_write();
  }
  bool open() { return ::pipe2(fds_.data(), O_CLOEXEC) == 0; }
  [[nodiscard]] int read_end() const { return fds_[0]; }
  [[nodiscard]] int write_end() const { return fds_[1]; }
  void close_read() { close_fd(fds_[0]); }
  void close_write() { close_fd(fds_[1]); }

 private:
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  std::array<int, 2> fds_{{-1, -1}};
};

std::optional<std::string_view> path_variable() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  return std::string_view(path);
}

std::string variable_name(std::string_view entry) { return std::string(entry.substr(0, entry.find('='))); }

// The parent's environment without VAULTX_* and without the names `extra`
// sets, then `extra`.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry = *e;
    if (exec::is_vaultx_variable(entry)) continue;
    bool overridden = false;
    for (const auto& x : extra) overridden = overridden || variable_name(x) == variable_name(entry);
    if (!overridden) out.emplace_back(entry);
  }
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// In the child, between fork and execve: only async-signal-safe calls.
[[noreturn]] void exec_child(const std::string& path, char* const* argv, char* const* envp, int in_fd, int out_fd,
                             int err_fd, int report_fd, const char* cwd) {
  sigset_t none;
  sigemptyset(&none);
  for (int sig : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD}) ::signal(sig, SIG_DFL);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  const int null_fd = ::open("/dev/null", O_RDWR);
  if (in_fd < 0) in_fd = null_fd;
  if (out_fd < 0) out_fd = null_fd;
  if (err_fd < 0) err_fd = null_fd;
  if (::dup2(in_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0 ||
      (cwd != nullptr && ::chdir(cwd) != 0)) {
    const int err = errno;
    (void)!::write(report_fd, &err, sizeof err);
    ::_exit(127);
  }
  ::execve(path.c_str(), argv, envp);
  const int err = errno;
  (void)!::write(report_fd, &err, sizeof err);
  ::_exit(127);
}

class SigpipeIgnored {
 public:
  SigpipeIgnored() { old_ = std::signal(SIGPIPE, SIG_IGN); }
  SigpipeIgnored(const SigpipeIgnored&) = delete;
  SigpipeIgnored& operator=(const SigpipeIgnored&) = delete;
  ~SigpipeIgnored() { std::signal(SIGPIPE, old_); }

 private:
  void (*old_)(int) = SIG_DFL;
};

}  // namespace

bool ProcessResult::succeeded() const { return WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0; }

std::string ProcessResult::describe() const {
  if (WIFEXITED(wait_status)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return "was killed by signal " + std::to_string(WTERMSIG(wait_status));
  return "ended abnormally";
}

bool have_program(const std::string& program) { return exec::find_command(program, path_variable()).found; }

std::string last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  const auto nl = text.rfind('\n');
  return std::string(nl == std::string_view::npos ? text : text.substr(nl + 1));
}

Result<ProcessResult> run_process(const ProcessSpec& spec) {
  if (spec.argv.empty()) return Error(Errc::failure, "no program to run");
  const auto lookup = exec::find_command(spec.argv[0], path_variable());
  if (!lookup.found) {
    return Error(Errc::not_found, "cannot run '" + spec.argv[0] + "': " +
                                      (lookup.failure == exec::LookupFailure::not_found ? "not found on PATH"
                                                                                         : "not executable"),
                 "install it, or add its directory to PATH");
  }
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));  // NOLINT: execve signature
  argv.push_back(nullptr);
  const auto env_strings = child_environment(spec.extra_env);
  std::vector<char*> envp;
  for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));  // NOLINT: execve signature
  envp.push_back(nullptr);
  const std::string cwd = spec.cwd ? spec.cwd->string() : std::string();

  Pipe in, out, err, report;
  if ((spec.input != nullptr && !in.open()) || (spec.capture_stdout && !out.open()) ||
      (spec.capture_stderr && !err.open()) || !report.open()) {
    return Error(Errc::failure, "cannot create a pipe for '" + spec.argv[0] + "': " + std::strerror(errno));
  }
  const SigpipeIgnored no_sigpipe;
  const pid_t pid = ::fork();
  if (pid < 0) return Error(Errc::failure, "cannot start '" + spec.argv[0] + "': " + std::strerror(errno));
  if (pid == 0) {
    exec_child(lookup.path, argv.data(), envp.data(), in.read_end(), out.write_end(), err.write_end(),
               report.write_end(), spec.cwd ? cwd.c_str() : nullptr);
  }
  in.close_read();
  out.close_write();
  err.close_write();
  report.close_write();

  ProcessResult result;
  std::size_t written = 0;
  bool too_large = false;
  std::array<char, 64 * 1024> buffer{};
  if (spec.input != nullptr) set_nonblocking(in.write_end());
  if (spec.input != nullptr && spec.input->empty()) in.close_write();
  while (out.read_end() >= 0 || err.read_end() >= 0 || in.write_end() >= 0) {
    std::array<pollfd, 3> fds{{{out.read_end(), POLLIN, 0}, {err.read_end(), POLLIN, 0}, {in.write_end(), POLLOUT, 0}}};
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents != 0) {
      const ssize_t n = ::read(out.read_end(), buffer.data(), buffer.size());
      if (n > 0 && result.out.size() + static_cast<std::size_t>(n) > spec.max_stdout) {
        too_large = true;
        ::kill(pid, SIGKILL);
        out.close_read();
      } else if (n > 0) {
        result.out.append(std::span(reinterpret_cast<const std::uint8_t*>(buffer.data()), static_cast<std::size_t>(n)));  // NOLINT
      } else if (n == 0 || errno != EINTR) {
        out.close_read();
      }
    }
    if (fds[1].revents != 0) {
      const ssize_t n = ::read(err.read_end(), buffer.data(), buffer.size());
      if (n > 0) {
        result.err.append(buffer.data(), static_cast<std::size_t>(n));
        if (result.err.size() > kMaxStderr) result.err.erase(0, result.err.size() - kMaxStderr);
      } else if (n == 0 || errno != EINTR) {
        err.close_read();
      }
    }
    if (fds[2].revents != 0) {
      const auto rest = spec.input->view().substr(written);
      const ssize_t n = ::write(in.write_end(), rest.data(), rest.size());
      if (n > 0) written += static_cast<std::size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == spec.input->size()) in.close_write();
    }
  }
  sodium_memzero(buffer.data(), buffer.size());
  int exec_errno = 0;
  const bool exec_failed = ::read(report.read_end(), &exec_errno, sizeof exec_errno) == sizeof exec_errno;
  while (::waitpid(pid, &result.wait_status, 0) < 0 && errno == EINTR) {
  }
  if (exec_failed) {
    return Error(Errc::failure, "cannot run '" + spec.argv[0] + "': " + std::strerror(exec_errno));
  }
  if (too_large) {
    return Error(Errc::failure, "'" + spec.argv[0] + "' wrote more than " + std::to_string(spec.max_stdout) +
                                    " bytes; stopped it");
  }
  return result;
}

}  // namespace vaultx::shell
