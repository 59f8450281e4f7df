#include <vaultx/shell/editor.hpp>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <vaultx/exec/child_env.hpp>
#include <vaultx/exec/command_path.hpp>
#include <vaultx/secure/environment.hpp>

extern char** environ;  // NOLINT: POSIX

namespace vaultx::shell {

namespace {

constexpr std::array kGuardedSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD};
constexpr std::string_view kDirPrefix = "vaultx-edit-";

bool is_tmpfs_dir(const fs::path& dir) {
  struct statfs fs_info {};
  struct stat st {};
  if (::statfs(dir.c_str(), &fs_info) != 0 || ::stat(dir.c_str(), &st) != 0) return false;
  return fs_info.f_type == TMPFS_MAGIC && S_ISDIR(st.st_mode);
}

// Where edit buffers may go, best first.
std::vector<fs::path> tmpfs_bases() {
  std::vector<fs::path> out;
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime != nullptr && runtime[0] == '/') {
    if (is_tmpfs_dir(runtime)) out.emplace_back(runtime);
  }
  if (is_tmpfs_dir("/dev/shm")) out.emplace_back("/dev/shm");
  return out;
}

// Overwrites a regular file's bytes with zeros before it is unlinked: on
// tmpfs the freed pages would otherwise keep the value until reused.
void wipe_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    std::array<char, 4096> zeros{};
    auto left = static_cast<std::size_t>(st.st_size);
    while (left > 0) {
      const ssize_t n = ::write(fd, zeros.data(), std::min(left, zeros.size()));
      if (n <= 0) break;
      left -= static_cast<std::size_t>(n);
    }
  }
  ::close(fd);
}

void wipe_tree(const fs::path& dir) noexcept {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) wipe_file(it->path());
  }
  fs::remove_all(dir, ec);
}

// The file name an editor sees: the last segment of the secret's name, which
// only holds [A-Za-z0-9._-] (a name's segments are checked before this).
std::string safe_file_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    out += ok ? c : '_';
  }
  if (out.empty() || out == "." || out == "..") out = "value";
  return out;
}

bool is_guarded_terminating(int sig) { return sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT; }

}  // namespace

// -- SignalGuard

SignalGuard::SignalGuard() {
  sigemptyset(&blocked_);
  for (int sig : kGuardedSignals) sigaddset(&blocked_, sig);
  ::sigprocmask(SIG_BLOCK, &blocked_, &original_);
}

SignalGuard::~SignalGuard() {
  // A terminating signal already taken by sigtimedwait is no longer pending;
  // one that arrived after the editor ended is delivered now, after cleanup.
  ::sigprocmask(SIG_SETMASK, &original_, nullptr);
}

// -- EditDir

Result<EditDir> EditDir::create(std::string_view file_name) {
  const auto bases = tmpfs_bases();
  if (bases.empty()) {
    return Error(Errc::failure, "no directory on tmpfs for the edit buffer: neither $XDG_RUNTIME_DIR nor /dev/shm is one",
                 "the value is never written to a disk; set XDG_RUNTIME_DIR to a tmpfs directory you own");
  }
  EditDir out;
  std::string last_error;
  for (const auto& base : bases) {
    std::string pattern = (base / (std::string(kDirPrefix) + std::to_string(::getpid()) + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {  // mode 0700, whatever the umask
      last_error = "cannot create a directory in " + base.string() + ": " + std::strerror(errno);
      continue;
    }
    out.dir_ = pattern;
    break;
  }
  if (out.dir_.empty()) return Error(Errc::failure, last_error);
  out.file_ = out.dir_ / safe_file_name(file_name);
  return out;
}

EditDir::EditDir(EditDir&& other) noexcept : dir_(std::move(other.dir_)), file_(std::move(other.file_)) {
  other.dir_.clear();
  other.file_.clear();
}

EditDir::~EditDir() { remove(); }

void EditDir::remove() noexcept {
  if (dir_.empty()) return;
  wipe_tree(dir_);
  dir_.clear();
}

Status EditDir::write(const secure::SecretBytes& contents) const {
  const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Error(Errc::failure, "cannot create " + file_.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      return Error(Errc::failure, "cannot write " + file_.string() + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return {};
}

Result<secure::SecretBytes> EditDir::read(std::size_t max_bytes) const {
  const int fd = ::open(file_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return Error(Errc::failure, "the edit buffer " + file_.string() + " is gone: " + std::strerror(errno),
                 "nothing was saved");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error(Errc::failure, "the edit buffer " + file_.string() + " is no longer a regular file",
                 "nothing was saved");
  }
  auto data = secure::read_secret_fd(fd, max_bytes, file_.string());
  ::close(fd);
  return data;
}

void sweep_stale_edit_dirs() {
  for (const auto& base : tmpfs_bases()) {
    std::error_code ec;
    for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
      const auto name = it->path().filename().string();
      if (!name.starts_with(kDirPrefix)) continue;
      struct stat st {};
      if (::lstat(it->path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid()) continue;
      const auto rest = std::string_view(name).substr(kDirPrefix.size());
      const auto pid = std::strtol(std::string(rest.substr(0, rest.find('-'))).c_str(), nullptr, 10);
      if (pid <= 0 || pid == ::getpid()) continue;
      if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
      wipe_tree(it->path());
    }
  }
}

// -- the editor

std::vector<std::string> editor_command() {
  for (const char* variable : {"EDITOR", "VISUAL"}) {
    const char* value = std::getenv(variable);
    if (value == nullptr) continue;
    std::vector<std::string> words;
    std::string word;
    for (const char* p = value;; ++p) {
      if (*p == '\0' || *p == ' ' || *p == '\t') {
        if (!word.empty()) words.push_back(std::move(word));
        word.clear();
        if (*p == '\0') break;
      } else {
        word += *p;
      }
    }
    if (!words.empty()) return words;
  }
  return {"vi"};
}

bool EditorOutcome::succeeded() const {
  return interrupted_by == 0 && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
}

std::string EditorOutcome::describe() const {
  if (interrupted_by != 0) return std::string("was stopped: vaultx received ") + ::sigabbrev_np(interrupted_by);
  if (WIFEXITED(wait_status)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return "was killed by signal " + std::to_string(WTERMSIG(wait_status));
  return "ended abnormally";
}

Result<EditorOutcome> run_editor(const std::vector<std::string>& command, const fs::path& file,
                                 const SignalGuard& guard) {
  if (command.empty()) return Error(Errc::failure, "no editor to run");
  const char* path_env = std::getenv("PATH");
  const auto lookup =
      exec::find_command(command[0], path_env ? std::optional<std::string_view>(path_env) : std::nullopt);
  if (!lookup.found) {
    return Error(Errc::not_found,
                 "cannot run the editor '" + command[0] + "': " +
                     (lookup.failure == exec::LookupFailure::not_found ? "not found on PATH" : "not executable"),
                 "set EDITOR (or VISUAL) to an editor that is installed; nothing was saved");
  }
  std::vector<std::string> args = command;
  args.push_back(file.string());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (!exec::is_vaultx_variable(*e)) env_strings.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  std::array<int, 2> report{-1, -1};
  if (::pipe2(report.data(), O_CLOEXEC) != 0) {
    return Error(Errc::failure, std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(report[0]);
    ::close(report[1]);
    return Error(Errc::failure, std::string("cannot start the editor: ") + std::strerror(errno));
  }
  if (pid == 0) {  // only async-signal-safe calls from here to execve
    for (int sig : kGuardedSignals) ::signal(sig, SIG_DFL);
    ::sigprocmask(SIG_SETMASK, &guard.original(), nullptr);
    ::execve(lookup.path.c_str(), argv.data(), envp.data());
    const int err = errno;
    (void)!::write(report[1], &err, sizeof err);
    ::_exit(127);
  }
  ::close(report[1]);

  EditorOutcome outcome;
  std::optional<std::time_t> kill_deadline;
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      outcome.wait_status = status;
      break;
    }
    if (kill_deadline && std::time(nullptr) >= *kill_deadline) ::kill(pid, SIGKILL);
    const timespec tick{0, 200'000'000};
    const int sig = ::sigtimedwait(&guard.blocked(), nullptr, &tick);
    if (sig > 0 && is_guarded_terminating(sig) && outcome.interrupted_by == 0) {
      outcome.interrupted_by = sig;
      ::kill(pid, SIGTERM);
      kill_deadline = std::time(nullptr) + 3;
    }
  }
  int exec_errno = 0;
  const bool exec_failed = ::read(report[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno;
  ::close(report[0]);
  if (exec_failed) {
    return Error(Errc::failure, "cannot run the editor '" + command[0] + "': " + std::strerror(exec_errno),
                 "nothing was saved");
  }
  return outcome;
}

}  // namespace vaultx::shell
