// `vaultx edit`: a value in a private file on tmpfs, an editor run on it, and
// the file gone again on every exit path this process can see.
//
// The order that makes "every exit path" true: the caller blocks the
// terminating signals (SignalGuard) *before* the directory exists, so a
// SIGTERM or SIGINT can no longer kill the process between creating the file
// and removing it; run_editor waits for them with sigtimedwait alongside
// SIGCHLD, stops the editor, and reports the signal; the EditDir destructor
// wipes and removes the directory; only then is the old mask restored. A
// SIGKILL cannot be caught: the directory it leaves (0700, in RAM) is swept
// by the next `vaultx edit` once its process is gone (sweep_stale_edit_dirs).
#pragma once

#include <csignal>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <vaultx/error.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::shell {

namespace fs = std::filesystem;

// Blocks SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGCHLD for its lifetime.
class SignalGuard {
 public:
  SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
  ~SignalGuard();
  [[nodiscard]] const sigset_t& blocked() const { return blocked_; }
  [[nodiscard]] const sigset_t& original() const { return original_; }

 private:
  sigset_t blocked_{};
  sigset_t original_{};
};

// A private directory (0700) on tmpfs holding one file (0600); both removed,
// the file's contents overwritten first, when this goes away.
class EditDir {
 public:
  // In $XDG_RUNTIME_DIR if it is on tmpfs, else /dev/shm. Errc::failure if
  // neither is a tmpfs directory: the value is never put on a disk.
  // `file_name` is the base name of the file (editors pick a mode from it).
  static Result<EditDir> create(std::string_view file_name);
  EditDir(EditDir&& other) noexcept;
  EditDir& operator=(EditDir&&) = delete;
  EditDir(const EditDir&) = delete;
  EditDir& operator=(const EditDir&) = delete;
  ~EditDir();

  [[nodiscard]] const fs::path& dir() const { return dir_; }
  [[nodiscard]] const fs::path& file() const { return file_; }
  Status write(const secure::SecretBytes& contents) const;
  // The file as the editor left it (it may have replaced it by a rename).
  // Errc::failure if it is gone or not a regular file; at most `max_bytes`.
  Result<secure::SecretBytes> read(std::size_t max_bytes) const;
  // Wipes and removes everything in the directory, then the directory.
  void remove() noexcept;

 private:
  EditDir() = default;
  fs::path dir_;
  fs::path file_;
};

// Removes vaultx-edit-PID-* directories of this user under the tmpfs bases
// whose process no longer runs (left by a SIGKILL). Best effort.
void sweep_stale_edit_dirs();

// $EDITOR, else $VISUAL, else "vi", split at blanks (no shell, no quoting).
std::vector<std::string> editor_command();

struct EditorOutcome {
  int wait_status = 0;       // of the editor, when it ended by itself
  int interrupted_by = 0;    // a signal vaultx received meanwhile (the editor was stopped), else 0
  [[nodiscard]] bool succeeded() const;
  [[nodiscard]] std::string describe() const;
};

// Runs `command` with `file` appended as its last argument, on this
// process's terminal (stdin, stdout, stderr inherited), with the environment
// minus every VAULTX_* variable, and waits for it. `guard` must be alive.
// A terminating signal for vaultx stops the editor (SIGTERM, then SIGKILL
// after 3 s) and is reported in `interrupted_by`. Errc::not_found if the
// editor is not on PATH.
Result<EditorOutcome> run_editor(const std::vector<std::string>& command, const fs::path& file,
                                 const SignalGuard& guard);

}  // namespace vaultx::shell
