// `vaultx get --clip`: a value onto the clipboard through wl-copy (Wayland)
// or xclip (X11), and a detached process that clears it after a delay if it
// still holds that value. The value goes to the tools through a pipe, never
// argv; the clearing process compares in guarded memory (sodium_memcmp).
#pragma once

#include <cstdint>
#include <string>

#include <vaultx/error.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::shell {

enum class ClipboardTool { wl_copy, xclip };

// wl-copy when WAYLAND_DISPLAY is set and it is on PATH, else xclip when
// DISPLAY is set and it is on PATH. Errc::not_found naming what is missing.
Result<ClipboardTool> find_clipboard_tool();

std::string clipboard_tool_name(ClipboardTool tool);

Status copy_to_clipboard(ClipboardTool tool, const secure::SecretBytes& value);

// The clipboard's current contents (wl-paste -n, xclip -o), at most 1 MiB.
Result<secure::SecretBytes> read_clipboard(ClipboardTool tool);

Status clear_clipboard(ClipboardTool tool);

// Forks a process in its own session, with stdin, stdout and stderr on
// /dev/null, that sleeps `seconds`, then clears the clipboard if it still
// holds `value`. The caller must hold no key: the child keeps a copy of this
// process's memory. Returns the child's pid.
Result<int> spawn_clipboard_clearer(ClipboardTool tool, secure::SecretBytes value, std::int64_t seconds);

}  // namespace vaultx::shell
