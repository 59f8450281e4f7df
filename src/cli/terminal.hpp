// The controlling terminal (/dev/tty), used for prompts. Data never goes
// here; prompts never go to stdout.
#pragma once

#include <optional>
#include <string_view>

#include <vaultx/error.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::cli {

// True if the process has a controlling terminal it can prompt on.
bool has_terminal();

// Prompts on /dev/tty with echo off and reads one line. nullopt if there is
// no terminal. Echo is restored even if the read is interrupted by a signal.
Result<std::optional<secure::SecretBytes>> prompt_hidden(std::string_view prompt);

// Prompts on /dev/tty with echo on and reads one line (a yes/no answer).
// nullopt if there is no terminal.
Result<std::optional<std::string>> prompt_line(std::string_view prompt);

// Prompts twice and insists that both entries match.
Result<std::optional<secure::SecretBytes>> prompt_hidden_twice(std::string_view prompt, std::string_view what);

}  // namespace vaultx::cli
