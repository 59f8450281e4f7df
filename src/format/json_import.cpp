// A strict recursive-descent JSON reader (RFC 8259) that hands out leaves.
// String contents that need unescaping are decoded into guarded memory,
// since they are usually secret values.
#include <vaultx/format/json_import.hpp>

#include <set>

#include <vaultx/format/json.hpp>
#include <vaultx/format/names.hpp>

namespace vaultx::format {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string join_path(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& segment : path) {
    if (!out.empty()) out += '/';
    out += segment;
  }
  return out;
}

class Walker {
 public:
  Walker(std::string_view text, std::string_view source, const JsonWalkOptions& options, const JsonVisitor& visit)
      : t_(text), source_(source), options_(options), visit_(visit) {}

  Status run() {
    if (t_.starts_with("\xEF\xBB\xBF")) i_ = 3;
    skip_space();
    if (i_ >= t_.size() || t_[i_] != '{') return fail("expected a JSON object ('{') at the top level");
    VAULTX_TRY(parse_object(1));
    skip_space();
    if (i_ < t_.size()) return fail("unexpected text after the top-level object");
    return {};
  }

 private:
  Error fail(const std::string& what, std::string hint = {}) const {
    return Error(Errc::usage,
                 std::string(source_) + ":" + std::to_string(line_) + ":" + std::to_string(i_ - line_start_ + 1) +
                     ": " + what,
                 std::move(hint));
  }

  [[nodiscard]] std::string where() const {
    return path_.empty() ? std::string("the top level") : quote_for_message(join_path(path_));
  }

  void skip_space() {
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '\n') {
        ++i_;
        ++line_;
        line_start_ = i_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++i_;
      } else {
        break;
      }
    }
  }

  Status expect(char c, const char* what) {
    skip_space();
    if (i_ >= t_.size() || t_[i_] != c) return fail(std::string("expected ") + what);
    ++i_;
    return {};
  }

  Status parse_object(std::size_t depth) {
    if (depth > options_.max_depth) return fail("nested deeper than " + std::to_string(options_.max_depth) + " levels");
    ++i_;  // '{'
    std::set<std::string> seen;
    skip_space();
    if (i_ < t_.size() && t_[i_] == '}') {
      ++i_;
      return {};
    }
    while (true) {
      skip_space();
      if (i_ >= t_.size() || t_[i_] != '"') return fail("expected a key in double quotes");
      std::string key;
      VAULTX_TRY(parse_string([&](std::string_view decoded) {
        key.assign(decoded);
        return Status{};
      }));
      if (!seen.insert(key).second) {
        return fail("duplicate key " + quote_for_message(key) + " in " + where(), "each key may appear once");
      }
      VAULTX_TRY(expect(':', "':' after a key"));
      path_.push_back(std::move(key));
      VAULTX_TRY(parse_value(depth));
      path_.pop_back();
      VAULTX_ASSIGN(const bool more, another_follows('}', "expected ',' or '}' after the value of "));
      if (!more) return {};
    }
  }

  // After a member or an element: ',' means another follows (true), the
  // closing bracket ends the container (false), anything else is an error.
  Result<bool> another_follows(char closer, const std::string& error_prefix) {
    skip_space();
    if (i_ < t_.size() && t_[i_] == ',') {
      ++i_;
      return true;
    }
    if (i_ < t_.size() && t_[i_] == closer) {
      ++i_;
      return false;
    }
    return fail(error_prefix + where());
  }

  Status parse_array(std::size_t depth) {
    if (!options_.allow_arrays) {
      return fail(where() + " is an array; only strings and objects can be imported", "give each value its own key");
    }
    if (depth > options_.max_depth) return fail("nested deeper than " + std::to_string(options_.max_depth) + " levels");
    ++i_;  // '['
    skip_space();
    if (i_ < t_.size() && t_[i_] == ']') {
      ++i_;
      return {};
    }
    for (std::size_t index = 0;; ++index) {
      path_.push_back(std::to_string(index));
      VAULTX_TRY(parse_value(depth));
      path_.pop_back();
      VAULTX_ASSIGN(const bool more, another_follows(']', "expected ',' or ']' in the array "));
      if (!more) return {};
    }
  }

  Status parse_value(std::size_t depth) {
    skip_space();
    if (i_ >= t_.size()) return fail("the text ends before the value of " + where());
    const char c = t_[i_];
    const std::size_t line = line_;
    if (c == '{') return parse_object(depth + 1);
    if (c == '[') return parse_array(depth + 1);
    if (c == '"') {
      return parse_string([&](std::string_view decoded) {
        return visit_(JsonLeaf{path_, JsonLeafKind::string, decoded, line});
      });
    }
    const std::size_t start = i_;
    JsonLeafKind kind = JsonLeafKind::number;
    if (c == 't' || c == 'f' || c == 'n') {
      const std::string_view word = c == 't' ? "true" : c == 'f' ? "false" : "null";
      if (t_.substr(i_, word.size()) != word) return fail("expected a value for " + where());
      i_ += word.size();
      kind = c == 'n' ? JsonLeafKind::null : JsonLeafKind::boolean;
    } else if (c == '-' || is_digit(c)) {
      VAULTX_TRY(parse_number());
    } else {
      return fail("expected a value for " + where());
    }
    if (!options_.allow_scalars) {
      i_ = start;
      const char* what = kind == JsonLeafKind::number ? "a number" : kind == JsonLeafKind::null ? "null" : "a boolean";
      return fail(where() + " is " + what + "; only strings and objects can be imported", "write it as a string");
    }
    return visit_(JsonLeaf{path_, kind, t_.substr(start, i_ - start), line});
  }

  Status parse_number() {
    if (t_[i_] == '-') ++i_;
    if (i_ < t_.size() && t_[i_] == '0') {
      ++i_;
    } else if (i_ < t_.size() && is_digit(t_[i_])) {
      while (i_ < t_.size() && is_digit(t_[i_])) ++i_;
    } else {
      return fail("malformed number in " + where());
    }
    if (i_ < t_.size() && t_[i_] == '.') {
      ++i_;
      if (i_ >= t_.size() || !is_digit(t_[i_])) return fail("malformed number in " + where());
      while (i_ < t_.size() && is_digit(t_[i_])) ++i_;
    }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      ++i_;
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      if (i_ >= t_.size() || !is_digit(t_[i_])) return fail("malformed number in " + where());
      while (i_ < t_.size() && is_digit(t_[i_])) ++i_;
    }
    return {};
  }

  // Reads a \uXXXX escape's four digits at t_[i_]; -1 if malformed.
  long read_hex4() {
    if (t_.size() - i_ < 4) return -1;
    long v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const int d = hex_digit(t_[i_ + k]);
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    i_ += 4;
    return v;
  }

  static void put_utf8(secure::SecretBytes& out, std::size_t& n, unsigned long cp) {
    auto put = [&](unsigned long b) { out.data()[n++] = static_cast<std::uint8_t>(b); };
    if (cp < 0x80) {
      put(cp);
    } else if (cp < 0x800) {
      put(0xC0 | (cp >> 6));
      put(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      put(0xE0 | (cp >> 12));
      put(0x80 | ((cp >> 6) & 0x3F));
      put(0x80 | (cp & 0x3F));
    } else {
      put(0xF0 | (cp >> 18));
      put(0x80 | ((cp >> 12) & 0x3F));
      put(0x80 | ((cp >> 6) & 0x3F));
      put(0x80 | (cp & 0x3F));
    }
  }

  // A string at t_[i_] ('"'); hands its decoded contents to `use`. Escapes
  // never make the text longer, so the decoded form fits in the raw size.
  template <class Use>
  Status parse_string(Use&& use) {
    const std::size_t open = i_++;
    bool escaped = false;
    while (true) {
      if (i_ >= t_.size()) {
        i_ = open;
        return fail("a string in " + where() + " is never closed");
      }
      const char c = t_[i_];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) {
        return fail("a control character in a string in " + where(), "write it as an escape such as \\n or \\t");
      }
      if (c == '\\') {
        escaped = true;
        i_ += 2;
        continue;
      }
      const std::size_t length = utf8_sequence_length(t_, i_);
      if (length == 0) return fail("a string in " + where() + " is not valid UTF-8");
      i_ += length;
    }
    const std::size_t close = i_;
    if (!escaped) {
      ++i_;
      return use(t_.substr(open + 1, close - open - 1));
    }
    secure::SecretBytes decoded(close - open);
    std::size_t n = 0;
    i_ = open + 1;
    while (i_ < close) {
      const char c = t_[i_];
      if (c != '\\') {
        decoded.data()[n++] = static_cast<std::uint8_t>(c);
        ++i_;
        continue;
      }
      const char e = t_[i_ + 1];
      i_ += 2;
      switch (e) {
        case '"': decoded.data()[n++] = '"'; break;
        case '\\': decoded.data()[n++] = '\\'; break;
        case '/': decoded.data()[n++] = '/'; break;
        case 'b': decoded.data()[n++] = '\b'; break;
        case 'f': decoded.data()[n++] = '\f'; break;
        case 'n': decoded.data()[n++] = '\n'; break;
        case 'r': decoded.data()[n++] = '\r'; break;
        case 't': decoded.data()[n++] = '\t'; break;
        case 'u': {
          long cp = read_hex4();
          if (cp < 0 || i_ > close) return fail("a malformed \\u escape in a string in " + where());
          if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("a lone surrogate escape in a string in " + where());
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (close - i_ < 6 || t_[i_] != '\\' || t_[i_ + 1] != 'u') {
              return fail("a lone surrogate escape in a string in " + where());
            }
            i_ += 2;
            const long low = read_hex4();
            if (low < 0xDC00 || low > 0xDFFF) return fail("a lone surrogate escape in a string in " + where());
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          put_utf8(decoded, n, static_cast<unsigned long>(cp));
          break;
        }
        default:
          return fail("an unknown escape in a string in " + where(), "JSON knows \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
      }
    }
    decoded.truncate(n);
    i_ = close + 1;
    return use(decoded.view());
  }

  std::string_view t_;
  std::string_view source_;
  const JsonWalkOptions& options_;
  const JsonVisitor& visit_;
  std::size_t i_ = 0;
  std::size_t line_ = 1;
  std::size_t line_start_ = 0;
  std::vector<std::string> path_;
};

}  // namespace

Status walk_json(std::string_view text, std::string_view source, const JsonWalkOptions& options,
                 const JsonVisitor& visit) {
  return Walker(text, source, options, visit).run();
}

Result<std::vector<ImportedEntry>> parse_json_import(std::string_view text, std::string_view source) {
  std::vector<ImportedEntry> entries;
  const JsonVisitor collect = [&](const JsonLeaf& leaf) -> Status {
    entries.push_back({join_path(leaf.path), secure::SecretBytes::copy_of(leaf.text), leaf.line});
    return {};
  };
  VAULTX_TRY(walk_json(text, source, JsonWalkOptions{}, collect));
  return entries;
}

}  // namespace vaultx::format
