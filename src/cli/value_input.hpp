// Where a new secret value comes from: --generate, a double prompt on a
// terminal, or standard input. Never the command line.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include <vaultx/error.hpp>
#include <vaultx/format/timestamp.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::cli {

struct ValueInput {
  bool raw = false;
  // The text after --generate= ("32" when given bare). Kept as text and parsed
  // strictly: CLI11's integer flags read "true" as 1 and "1x" as 1 and add up
  // repeats, which would silently make a weak secret.
  std::string generate_text;
  CLI::Option* generate_option = nullptr;

  static constexpr int kDefaultGenerateLength = 32;
  static constexpr int kMaxGenerateLength = 4096;

  void define(CLI::App& app, bool with_raw);
  Result<secure::SecretBytes> read(std::string_view secret_name) const;
};

// --expires: an RFC 3339 date or date-time, or "never" (clears it).
Result<std::optional<format::UnixSeconds>> parse_expiry(const std::string& text);


}  // namespace vaultx::cli
