#include <vaultx/agent/transport.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include <vaultx/format/agent_protocol.hpp>
#include <vaultx/store/fs.hpp>

namespace vaultx::agent {

namespace {

// A client waits this long for each read or write; unlocking runs the KDF in
// the agent, which at the ceiling of DESIGN.md takes a while.
constexpr int kIoTimeoutMs = 180 * 1000;

Result<sockaddr_un> address_of(const fs::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string& s = path.native();
  if (s.empty() || s.size() >= sizeof addr.sun_path) {
    return Error(Errc::usage, "agent socket path " + s + " is too long (at most " +
                                  std::to_string(sizeof addr.sun_path - 1) + " bytes)",
                 "set XDG_RUNTIME_DIR or TMPDIR to a shorter directory");
  }
  std::memcpy(addr.sun_path, s.c_str(), s.size() + 1);
  return addr;
}

// Waits until `fd` is ready for `events`, or fails after the timeout.
Status wait_for(int fd, short events, const char* what) {
  pollfd p{fd, events, 0};
  while (true) {
    const int n = ::poll(&p, 1, kIoTimeoutMs);
    if (n > 0) return {};
    if (n < 0 && errno == EINTR) continue;
    return Error(Errc::failure, std::string("the agent did not ") + what + " in time",
                 "check it with 'vaultx agent status', or restart it");
  }
}

Status read_exact(int fd, std::uint8_t* out, std::size_t size) {
  std::size_t got = 0;
  while (got < size) {
    VAULTX_TRY(wait_for(fd, POLLIN, "answer"));
    const ssize_t n = ::read(fd, out + got, size - got);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      return Error(Errc::failure, "the agent closed the connection",
                   "check it with 'vaultx agent status'; it may have been stopped");
    }
    got += static_cast<std::size_t>(n);
  }
  return {};
}

Status check_private_directory(const fs::path& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    return Error(Errc::failure, "cannot use " + dir.string() + ": " + store::describe_errno(errno));
  }
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::getuid() || (st.st_mode & 077) != 0) {
    return Error(Errc::failure, dir.string() + " is not a private directory of this user",
                 "it must be a directory you own with mode 0700; fix it or unset XDG_RUNTIME_DIR");
  }
  return {};
}

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<PeerCredentials> peer_credentials(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred) {
    return Error(Errc::failure, "cannot read the peer credentials of an agent connection: " +
                                    store::describe_errno(errno));
  }
  return PeerCredentials{cred.uid, cred.gid, cred.pid};
}

Result<fs::path> make_socket_directory(bool& created_temporary) {
  created_temporary = false;
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime != nullptr && *runtime == '/') {
    const fs::path dir = fs::path(runtime) / "vaultx";
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return Error(Errc::failure, "cannot create " + dir.string() + ": " + store::describe_errno(errno));
    }
    VAULTX_TRY(check_private_directory(dir));
    return dir;
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp != nullptr && *tmp == '/' ? tmp : "/tmp") + "/vaultx-agent-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) {
    return Error(Errc::failure, "cannot create a private directory for the agent socket (" + templ +
                                    "): " + store::describe_errno(errno));
  }
  created_temporary = true;
  return fs::path(templ);
}

Result<Fd> listen_unix(const fs::path& path) {
  VAULTX_ASSIGN(const auto addr, address_of(path));
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return Error(Errc::failure, "cannot create a socket: " + store::describe_errno(errno));
  // umask 077 (harden_process) already makes it 0700 at bind; 0600 says what it is.
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {  // NOLINT: sockets API
    return Error(Errc::failure, "cannot bind the agent socket " + path.string() + ": " + store::describe_errno(errno));
  }
  if (::chmod(path.c_str(), 0600) != 0 || ::listen(fd.get(), 64) != 0) {
    const int err = errno;
    ::unlink(path.c_str());
    return Error(Errc::failure, "cannot listen on " + path.string() + ": " + store::describe_errno(err));
  }
  return fd;
}

Result<Fd> connect_unix(const fs::path& path) {
  VAULTX_ASSIGN(const auto addr, address_of(path));
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Error(Errc::failure, "cannot create a socket: " + store::describe_errno(errno));
  int rc = 0;
  do {
    rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);  // NOLINT: sockets API
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int err = errno;
    const Errc code = (err == ENOENT || err == ECONNREFUSED || err == ENOTDIR) ? Errc::not_found : Errc::failure;
    return Error(code, "no agent at " + path.string() + " (" + store::describe_errno(err) + ")",
                 "start one with 'eval \"$(vaultx agent start)\"', or unset VAULTX_AGENT_SOCK");
  }
  return fd;
}

Status send_frame(int fd, const secure::SecretBytes& frame) {
  std::size_t sent = 0;
  while (sent < frame.size()) {
    VAULTX_TRY(wait_for(fd, POLLOUT, "accept the request"));
    const ssize_t n = ::send(fd, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) {
      return Error(Errc::failure, "cannot write to the agent: " + store::describe_errno(errno),
                   "check it with 'vaultx agent status'");
    }
    sent += static_cast<std::size_t>(n);
  }
  return {};
}

Result<secure::SecretBytes> receive_frame(int fd) {
  std::array<std::uint8_t, format::kAgentLengthBytes> prefix{};
  VAULTX_TRY(read_exact(fd, prefix.data(), prefix.size()));
  const auto length = format::decode_agent_length(prefix);
  if (!length) return Error(Errc::failure, "the agent sent a message of an impossible length");
  secure::SecretBytes body(*length);
  VAULTX_TRY(read_exact(fd, body.data(), body.size()));
  return body;
}

}  // namespace vaultx::agent
