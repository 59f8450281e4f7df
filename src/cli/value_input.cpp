#include "value_input.hpp"

#include <unistd.h>

#include <vaultx/crypto/aead.hpp>
#include <vaultx/format/secret_file.hpp>
#include <vaultx/secure/environment.hpp>

#include "terminal.hpp"

namespace vaultx::cli {

namespace {
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// Decimal digits only, 1..kMaxGenerateLength.
std::optional<std::size_t> parse_generate_length(std::string_view text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  std::size_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (n < 1 || n > static_cast<std::size_t>(ValueInput::kMaxGenerateLength)) return std::nullopt;
  return n;
}
}  // namespace

secure::SecretBytes generate_value(std::size_t length) {
  secure::SecretBytes out(length);
  for (auto& byte : out.span()) {
    byte = static_cast<std::uint8_t>(kAlphabet[crypto::random_below(static_cast<std::uint32_t>(kAlphabet.size()))]);
  }
  return out;
}

Result<std::optional<format::UnixSeconds>> parse_expiry(const std::string& text) {
  if (text == "never") return std::optional<format::UnixSeconds>{};
  const auto t = format::parse_user_time(text);
  if (!t) {
    return Error(Errc::usage, "--expires '" + text + "' is not a date",
                 "use 2027-01-31 or 2027-01-31T12:00:00Z, or 'never'");
  }
  return std::optional<format::UnixSeconds>{*t};
}

void ValueInput::define(CLI::App& app, bool with_raw) {
  if (with_raw) app.add_flag("--raw", raw, "Store stdin byte for byte (keep a trailing newline)");
  generate_option = app.add_flag("--generate{" + std::to_string(kDefaultGenerateLength) + "}", generate_text,
                                 "Generate a random value of LEN characters from A-Z a-z 0-9 (--generate=LEN, "
                                 "default 32) instead of reading one");
}

Result<secure::SecretBytes> ValueInput::read(std::string_view secret_name) const {
  if (generate_option != nullptr && generate_option->count() > 0) {
    const auto length = parse_generate_length(generate_text);
    if (!length) {
      return Error(Errc::usage, "--generate=" + generate_text + " is not a length from 1 to 4096",
                   "give a length in decimal digits, e.g. --generate=40");
    }
    return generate_value(*length);
  }
  if (::isatty(STDIN_FILENO) != 0) {
    VAULTX_ASSIGN(auto typed, prompt_hidden_twice("Value for " + std::string(secret_name) + ": ", "value"));
    if (typed) return std::move(*typed);
  }
  VAULTX_ASSIGN(auto value, secure::read_secret_fd(STDIN_FILENO, format::kMaxValueBytes + 2, "standard input"));
  if (!raw) secure::strip_one_newline(value);
  if (value.size() > format::kMaxValueBytes) {
    return Error(Errc::usage, "the value on standard input is larger than 1 MiB", "store large files elsewhere");
  }
  return value;
}

}  // namespace vaultx::cli
