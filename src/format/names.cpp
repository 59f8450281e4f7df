#include <vaultx/format/names.hpp>

#include <cstdio>

namespace vaultx::format {

namespace {
bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

Error bad_name(std::string_view name, const std::string& why) {
  return Error(Errc::usage, "invalid secret name " + quote_for_message(name) + ": " + why,
               "names are segments of A-Z a-z 0-9 . _ - joined by '/', e.g. 'aws/prod/key-id'");
}
}  // namespace

std::string quote_for_message(std::string_view text) {
  std::string out = "'";
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out + "'";
}

Status validate_secret_name(std::string_view name) {
  if (name.empty()) return bad_name(name, "it is empty");
  if (name.size() > kMaxNameBytes) {
    return bad_name(name.substr(0, 40), "it is " + std::to_string(name.size()) + " bytes long, the limit is 255");
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = name.find('/', start);
    const std::string_view seg = name.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (seg.empty()) return bad_name(name, "it has an empty segment (a leading, trailing or double '/')");
    if (seg == "." || seg == "..") return bad_name(name, "it has a '.' or '..' segment");
    for (char c : seg) {
      if (!is_name_char(c)) return bad_name(name, "it contains a character outside A-Z a-z 0-9 . _ -");
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return {};
}

std::string default_env_name(std::string_view secret_name) {
  std::string out;
  out.reserve(secret_name.size());
  for (char c : secret_name) {
    if (c == '/' || c == '-' || c == '.') {
      out += '_';
    } else if (c >= 'a' && c <= 'z') {
      out += static_cast<char>(c - 'a' + 'A');
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace vaultx::format
