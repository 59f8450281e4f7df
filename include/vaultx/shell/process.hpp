// Running helper programs (git, gpg, xclip, wl-copy) with fork and execve:
// never through a shell, with argv as given, the environment minus every
// VAULTX_* variable, and any secret going through a pipe, never argv.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <vaultx/error.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::shell {

namespace fs = std::filesystem;

struct ProcessSpec {
  std::vector<std::string> argv;               // argv[0] is looked up on PATH unless it contains '/'
  const secure::SecretBytes* input = nullptr;  // written to the child's stdin; else stdin is /dev/null
  bool capture_stdout = true;                  // else stdout goes to /dev/null
  // Else stderr goes to /dev/null. A program that leaves a daemon behind
  // (xclip, wl-copy) must not capture: the daemon would hold the pipes open.
  bool capture_stderr = true;
  std::size_t max_stdout = 64 * 1024 * 1024;   // more is an error (the child is killed)
  std::optional<fs::path> cwd;
  std::vector<std::string> extra_env;          // "NAME=value" added to the environment
};

struct ProcessResult {
  int wait_status = 0;          // as from waitpid
  secure::SecretBytes out;      // stdout, when captured
  std::string err;              // the last 8 KiB of stderr
  [[nodiscard]] bool succeeded() const;
  // "exited with status 2", "was killed by signal 9"
  [[nodiscard]] std::string describe() const;
};

// Runs the program to completion. Errc::not_found if argv[0] is not on PATH,
// Errc::failure if it cannot be started or its output is too large. A
// non-zero exit is not an error here: see ProcessResult::succeeded.
Result<ProcessResult> run_process(const ProcessSpec& spec);

// Whether `program` is on PATH (or, with a '/', exists and is executable).
bool have_program(const std::string& program);

// The last non-empty line of a program's stderr, for messages.
std::string last_line(std::string_view text);

}  // namespace vaultx::shell
