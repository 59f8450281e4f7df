// Running the child of `vaultx exec`.
//
// With masking off (--mask never) vaultx replaces itself with the child
// (execve): nothing of vaultx remains. Otherwise vaultx stays the parent: it
// forwards signals, relays the child's output through a filter (the
// redactor), records how the child ended, and takes the child down with it
// if it is killed (PR_SET_PDEATHSIG), so no orphan holds secrets.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <vaultx/crypto/bytes.hpp>
#include <vaultx/error.hpp>

namespace vaultx::exec {

enum class MaskMode { automatic, always, never };

// Transforms one output stream of the child. Implemented by the redactor.
class OutputFilter {
 public:
  OutputFilter() = default;
  OutputFilter(const OutputFilter&) = delete;
  OutputFilter& operator=(const OutputFilter&) = delete;
  virtual ~OutputFilter() = default;
  // Appends to `out` what can be released now.
  virtual void feed(ByteView chunk, Bytes& out) = 0;
  // Appends whatever is still held back; called once at end of stream.
  virtual void finish(Bytes& out) = 0;
};

using FilterFactory = std::function<std::unique_ptr<OutputFilter>()>;

// What a watch callback (exec --watch) asks of the supervisor.
struct WatchVerdict {
  bool restart = false;  // stop the child (SIGTERM) and return with restart_requested
  int signal = 0;        // else, if non-zero, send this signal to the child
};
using WatchCallback = std::function<WatchVerdict()>;

struct LaunchSpec {
  std::string path;                  // resolved program (see find_command)
  std::vector<std::string> argv;     // argv[0] as the user typed it
  char* const* envp = nullptr;       // see ChildEnvironment
  MaskMode mask = MaskMode::automatic;
  FilterFactory make_filter;         // null: nothing to mask
  WatchCallback watch;               // called about every watch_interval_ms while the child runs
  int watch_interval_ms = 500;
};

struct ChildOutcome {
  int exit_code = 0;               // the convention of env(1)
  std::optional<int> signal;       // set if the child died of a signal
  bool masked_stdout = false;
  bool masked_stderr = false;
  bool restart_requested = false;  // the child was stopped because the watch asked for a restart
};

// How each of the child's output streams is connected, decided from the mask
// mode and whether our own stdout/stderr are terminals.
enum class Plumbing { inherit, pipe, pty };
Plumbing plumbing_for(MaskMode mode, bool stream_is_terminal, bool have_filter);

// --mask never: execve the child in place. Returns only if that fails, with
// the exit status env(1) would use (126 or 127) in `exit_code`.
Error replace_process(const LaunchSpec& spec, int& exit_code);

// Every other mode. Errc::failure if the child could not be started at all.
// A failing execve in the child is reported as an outcome with 126/127.
Result<ChildOutcome> run_supervised(const LaunchSpec& spec, std::string& exec_error);

}  // namespace vaultx::exec
