// Writing data to stdout. Values go out with write(2) straight from guarded
// memory, never through an iostream buffer that would keep a copy.
#pragma once

#include <string_view>

#include <vaultx/error.hpp>

namespace vaultx::cli {

Status write_stdout(std::string_view data);
void print_error(const Error& error);
void print_warning(std::string_view message);
// "vaultx: MESSAGE" on stderr: what a command did, for people (never a value).
void print_note(std::string_view message);

}  // namespace vaultx::cli
