#include "value_input.hpp"

#include <unistd.h>

#include <vaultx/format/secret_file.hpp>
#include <vaultx/format/units.hpp>
#include <vaultx/secure/environment.hpp>
#include <vaultx/store/store.hpp>

#include "terminal.hpp"

namespace vaultx::cli {

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
    const auto length = format::parse_decimal(generate_text);
    if (!length || *length < 1 || *length > kMaxGenerateLength) {
      return Error(Errc::usage, "--generate=" + generate_text + " is not a length from 1 to 4096",
                   "e.g. --generate=40, or --generate for 32 characters");
    }
    return store::generate_value(static_cast<std::size_t>(*length));
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
