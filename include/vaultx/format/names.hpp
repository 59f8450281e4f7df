// Secret names: segments of [A-Za-z0-9._-] joined by '/', no empty, "." or
// ".." segment, at most 255 bytes. The rule keeps names usable as paths in
// exports and as environment variable names, and rules out traversal.
#pragma once

#include <string>
#include <string_view>

#include <vaultx/error.hpp>

namespace vaultx::format {

constexpr std::size_t kMaxNameBytes = 255;

// Errc::usage with a message naming the rule that failed. The name itself is
// quoted with control bytes escaped, so a hostile name cannot drive the terminal.
Status validate_secret_name(std::string_view name);

// "aws/s3-reader/key-id" -> "AWS_S3_READER_KEY_ID".
std::string default_env_name(std::string_view secret_name);

// Printable rendering for messages: control and non-ASCII bytes as \xHH.
std::string quote_for_message(std::string_view text);

}  // namespace vaultx::format
