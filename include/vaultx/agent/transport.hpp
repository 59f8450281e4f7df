// The agent's socket: where it lives, who may connect, and moving frames
// (format/agent_protocol.hpp) over it. A Unix stream socket only: values
// never leave the machine.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <utility>

#include <vaultx/error.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::agent {

namespace fs = std::filesystem;

// A file descriptor that closes itself; movable.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] bool valid() const { return fd_ >= 0; }
  void reset();

 private:
  int fd_ = -1;
};

struct PeerCredentials {
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t pid = 0;
};

// SO_PEERCRED of a connected Unix socket: who connected, as the kernel saw it
// at connect(2).
Result<PeerCredentials> peer_credentials(int fd);

// A private directory for the socket: $XDG_RUNTIME_DIR/vaultx (created 0700,
// refused unless it is a directory owned by us that no one else can enter),
// else a fresh mkdtemp directory under $TMPDIR or /tmp. `created_temporary`
// tells the caller to remove the directory when it exits.
Result<fs::path> make_socket_directory(bool& created_temporary);

// Binds and listens on `path` (mode 0600), non-blocking and close-on-exec.
Result<Fd> listen_unix(const fs::path& path);

// Connects to the agent's socket. Errc::not_found if nothing listens there
// (no file, or a stale socket), so that callers can fall back.
Result<Fd> connect_unix(const fs::path& path);

// Blocking frame I/O for clients, with a deadline per call. send_frame writes
// a whole frame (length prefix included); receive_frame returns the body.
Status send_frame(int fd, const secure::SecretBytes& frame);
Result<secure::SecretBytes> receive_frame(int fd);

}  // namespace vaultx::agent
