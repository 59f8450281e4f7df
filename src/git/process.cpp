#include <vaultx/git/process.hpp>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>

extern char** environ;  // NOLINT: POSIX

namespace vaultx::git {

namespace {

constexpr std::array<std::string_view, 6> kPathVariables = {
    "VAULTX_STORE=", "VAULTX_STATE_DIR=", "VAULTX_IDENTITY_FILE=", "VAULTX_PASSPHRASE_FILE=",
    "VAULTX_IDENTITY_PASSPHRASE_FILE=", "VAULTX_AGENT_SOCK="};

std::vector<std::string> child_environment(ChildEnv policy) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (entry.starts_with("VAULTX_")) {
      if (policy == ChildEnv::without_vaultx) continue;
      bool keep = false;
      for (auto p : kPathVariables) keep = keep || entry.starts_with(p);
      if (!keep) continue;
    }
    out.emplace_back(entry);
  }
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& items) {
  std::vector<char*> out;
  for (auto& s : items) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int status_of(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return 1;
}

Result<int> wait_for(pid_t pid) {
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) return Error(Errc::failure, std::string("waitpid failed: ") + std::strerror(errno));
  }
  return status_of(wstatus);
}

Error spawn_error(const std::string& program, int err) {
  return Error(Errc::failure, "cannot run " + program + ": " + std::strerror(err),
               err == ENOENT ? "install it, or put it on PATH" : "");
}

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fd, O_CLOEXEC) != 0) fd[0] = fd[1] = -1;
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (fd[0] >= 0) ::close(fd[0]);
    fd[0] = -1;
  }
  void close_write() {
    if (fd[1] >= 0) ::close(fd[1]);
    fd[1] = -1;
  }
  [[nodiscard]] bool ok() const { return fd[0] >= 0; }
};

}  // namespace

Result<Captured> run_captured(const std::vector<std::string>& argv_in, ChildEnv env_policy, std::string_view input) {
  std::vector<std::string> argv = argv_in;
  std::vector<std::string> env = child_environment(env_policy);
  auto argv_ptrs = pointers(argv);
  auto env_ptrs = pointers(env);
  Pipe in, out, err;
  if (!in.ok() || !out.ok() || !err.ok()) return Error(Errc::failure, "cannot create a pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fd[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], STDERR_FILENO);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, argv_ptrs.data(), env_ptrs.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return spawn_error(argv[0], rc);
  in.close_read();
  out.close_write();
  err.close_write();

  // Feed stdin and drain both outputs together, so that no pipe fills up.
  const auto old_pipe = std::signal(SIGPIPE, SIG_IGN);
  Captured result;
  std::size_t fed = 0;
  if (input.empty()) in.close_write();
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    std::array<pollfd, 3> fds{};
    nfds_t n = 0;
    for (int fd : {out.fd[0], err.fd[0]}) {
      if (fd >= 0) fds[n++] = pollfd{fd, POLLIN, 0};
    }
    if (in.fd[1] >= 0) fds[n++] = pollfd{in.fd[1], POLLOUT, 0};
    if (::poll(fds.data(), n, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in.fd[1]) {
        const ssize_t w = ::write(in.fd[1], input.data() + fed, input.size() - fed);
        if (w > 0) fed += static_cast<std::size_t>(w);
        if (w < 0 || fed == input.size()) in.close_write();
        continue;
      }
      char buf[65536];
      const ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        (fds[i].fd == out.fd[0] ? out : err).close_read();
        continue;
      }
      (fds[i].fd == out.fd[0] ? result.out : result.err).append(buf, static_cast<std::size_t>(r));
    }
  }
  in.close_write();
  std::signal(SIGPIPE, old_pipe);
  VAULTX_ASSIGN(result.status, wait_for(pid));
  return result;
}

Result<int> run_inherited(const std::vector<std::string>& argv_in, ChildEnv env_policy) {
  std::vector<std::string> argv = argv_in;
  std::vector<std::string> env = child_environment(env_policy);
  auto argv_ptrs = pointers(argv);
  auto env_ptrs = pointers(env);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0].c_str(), nullptr, nullptr, argv_ptrs.data(), env_ptrs.data());
  if (rc != 0) return spawn_error(argv[0], rc);
  // Like a shell: the child gets the terminal's signals, vaultx waits.
  const auto old_int = std::signal(SIGINT, SIG_IGN);
  const auto old_quit = std::signal(SIGQUIT, SIG_IGN);
  auto status = wait_for(pid);
  std::signal(SIGINT, old_int);
  std::signal(SIGQUIT, old_quit);
  return status;
}

}  // namespace vaultx::git
