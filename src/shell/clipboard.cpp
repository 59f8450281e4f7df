#include <vaultx/shell/clipboard.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <vaultx/shell/process.hpp>

namespace vaultx::shell {

namespace {

constexpr std::size_t kMaxClipboardBytes = 1024 * 1024;

bool set_in_env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0';
}

Status run_tool(const std::vector<std::string>& argv, const secure::SecretBytes* input) {
  ProcessSpec spec;
  spec.argv = argv;
  spec.input = input;
  // Both tools leave a process behind that owns the selection: it must not
  // inherit our pipes, or we would wait for it.
  spec.capture_stdout = false;
  spec.capture_stderr = false;
  VAULTX_ASSIGN(auto result, run_process(spec));
  if (!result.succeeded()) {
    return Error(Errc::failure, "'" + argv[0] + "' " + result.describe() + " while setting the clipboard",
                 "check that a display is reachable (DISPLAY or WAYLAND_DISPLAY)");
  }
  return {};
}

}  // namespace

Result<ClipboardTool> find_clipboard_tool() {
  if (set_in_env("WAYLAND_DISPLAY") && have_program("wl-copy")) return ClipboardTool::wl_copy;
  if (set_in_env("DISPLAY") && have_program("xclip")) return ClipboardTool::xclip;
  std::string why;
  if (!set_in_env("WAYLAND_DISPLAY") && !set_in_env("DISPLAY")) {
    why = "neither WAYLAND_DISPLAY nor DISPLAY is set";
  } else {
    why = set_in_env("WAYLAND_DISPLAY") ? "wl-copy is not on PATH" : "xclip is not on PATH";
  }
  return Error(Errc::not_found, "no clipboard: " + why,
               "install wl-clipboard (Wayland) or xclip (X11), or print the value without --clip");
}

std::string clipboard_tool_name(ClipboardTool tool) { return tool == ClipboardTool::wl_copy ? "wl-copy" : "xclip"; }

Status copy_to_clipboard(ClipboardTool tool, const secure::SecretBytes& value) {
  if (tool == ClipboardTool::wl_copy) return run_tool({"wl-copy"}, &value);
  return run_tool({"xclip", "-selection", "clipboard", "-in"}, &value);
}

Result<secure::SecretBytes> read_clipboard(ClipboardTool tool) {
  ProcessSpec spec;
  spec.argv = tool == ClipboardTool::wl_copy ? std::vector<std::string>{"wl-paste", "--no-newline"}
                                             : std::vector<std::string>{"xclip", "-selection", "clipboard", "-out"};
  spec.max_stdout = kMaxClipboardBytes;
  VAULTX_ASSIGN(auto result, run_process(spec));
  // An empty clipboard makes both tools fail: it holds no value of ours.
  if (!result.succeeded()) return secure::SecretBytes();
  return std::move(result.out);
}

Status clear_clipboard(ClipboardTool tool) {
  if (tool == ClipboardTool::wl_copy) return run_tool({"wl-copy", "--clear"}, nullptr);
  const secure::SecretBytes empty;
  return run_tool({"xclip", "-selection", "clipboard", "-in"}, &empty);
}

Result<int> spawn_clipboard_clearer(ClipboardTool tool, secure::SecretBytes value, std::int64_t seconds) {
  const pid_t pid = ::fork();
  if (pid < 0) return Error(Errc::failure, std::string("cannot start the clipboard clearer: ") + std::strerror(errno));
  if (pid > 0) return static_cast<int>(pid);
  // The child: detached from the terminal and from the caller's pipes.
  ::setsid();
  const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd >= 0) {
    ::dup2(null_fd, 0);
    ::dup2(null_fd, 1);
    ::dup2(null_fd, 2);
  }
  timespec left{static_cast<std::time_t>(seconds), 0};
  while (::nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
  auto current = read_clipboard(tool);
  if (current.ok() && current->equals(value)) (void)clear_clipboard(tool);
  value = secure::SecretBytes();  // wiped
  ::_exit(0);
}

}  // namespace vaultx::shell
