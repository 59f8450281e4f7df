// The dotenv grammar of include/vaultx/format/dotenv.hpp.
//
// The reference is a regular expression, run repeatedly over the text
// (multi-line mode, CRLF and CR already turned into LF):
//
//   ^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)
//     (\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?
//   \s*(?:#.*)?$
//
// followed by trim(), removal of one pair of surrounding quotes and, when the
// value started with '"', expansion of \n and \r. The parser below walks the
// same text line by line; where the expression would backtrack into an
// ambiguous reading it either reproduces the reading the expression picks
// (the closing quote, below) or refuses the line.
#include <vaultx/format/dotenv.hpp>

#include <cstring>

#include <vaultx/format/json.hpp>
#include <vaultx/format/names.hpp>

namespace vaultx::format {

namespace {

bool is_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

bool has_bytes(std::string_view text, std::size_t i, const char* bytes) {
  return text.compare(i, std::strlen(bytes), bytes) == 0;
}

// U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: line terminators to
// the expression's ^, $ and '.', but not to [^#\r\n].
bool is_separator(std::string_view t, std::size_t i) {
  return has_bytes(t, i, "\xE2\x80\xA8") || has_bytes(t, i, "\xE2\x80\xA9");
}

// Length of a JavaScript white space character (\s) at t[i] other than LF
// and the two separators, or 0. CR is gone by now.
std::size_t space_length(std::string_view t, std::size_t i) {
  if (i >= t.size()) return 0;
  const char c = t[i];
  if (c == ' ' || c == '\t' || c == '\v' || c == '\f') return 1;
  if (has_bytes(t, i, "\xC2\xA0")) return 2;                                     // U+00A0
  if (has_bytes(t, i, "\xE1\x9A\x80") || has_bytes(t, i, "\xE2\x80\xAF") ||     // U+1680, U+202F
      has_bytes(t, i, "\xE2\x81\x9F") || has_bytes(t, i, "\xE3\x80\x80") ||     // U+205F, U+3000
      has_bytes(t, i, "\xEF\xBB\xBF")) {                                         // U+FEFF
    return 3;
  }
  if (has_bytes(t, i, "\xE2\x80") && i + 2 < t.size()) {  // U+2000..U+200A
    const auto third = static_cast<unsigned char>(t[i + 2]);
    if (third >= 0x80 && third <= 0x8A) return 3;
  }
  return 0;
}

// A copy of `text` with CRLF and lone CR turned into LF, as the reference
// does before anything else.
secure::SecretBytes normalize_newlines(std::string_view text) {
  secure::SecretBytes out(text.size());
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out.data()[n++] = '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out.data()[n++] = static_cast<std::uint8_t>(text[i]);
    }
  }
  out.truncate(n);
  return out;
}

// Replaces every two-character sequence '\' `letter` with `replacement`, left
// to right, as JavaScript's String.replace(/\\n/g, ...) does.
secure::SecretBytes expand(std::string_view in, char letter, char replacement) {
  secure::SecretBytes out(in.size());
  std::size_t n = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\\' && i + 1 < in.size() && in[i + 1] == letter) {
      out.data()[n++] = static_cast<std::uint8_t>(replacement);
      ++i;
    } else {
      out.data()[n++] = static_cast<std::uint8_t>(in[i]);
    }
  }
  out.truncate(n);
  return out;
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view source) : t_(text), source_(source) {}

  Result<std::vector<ImportedEntry>> run() {
    VAULTX_TRY(check_utf8());
    std::vector<ImportedEntry> entries;
    while (true) {
      VAULTX_TRY(skip_spaces());
      if (i_ >= t_.size()) break;
      if (t_[i_] == '\n') {
        next_line();
        continue;
      }
      if (t_[i_] == '#') {
        VAULTX_TRY(skip_comment());
        continue;
      }
      VAULTX_ASSIGN(auto entry, parse_entry());
      entries.push_back(std::move(entry));
    }
    return entries;
  }

 private:
  Error fail(std::size_t line, const std::string& what, std::string hint = {}) const {
    return Error(Errc::usage, std::string(source_) + ":" + std::to_string(line) + ": " + what, std::move(hint));
  }

  Error separator_error() const {
    return fail(line_, "a Unicode line or paragraph separator (U+2028, U+2029) outside quotes",
                "quote the value that holds it, or remove it");
  }

  Status check_utf8() const {
    std::size_t line = 1;
    for (std::size_t i = 0; i < t_.size();) {
      const std::size_t length = utf8_sequence_length(t_, i);
      if (length == 0) return fail(line, "the text is not valid UTF-8", "save the file as UTF-8");
      if (t_[i] == '\n') ++line;
      i += length;
    }
    return {};
  }

  void next_line() {
    ++i_;
    ++line_;
  }

  // Skips white space within the line; a separator there is an error.
  Status skip_spaces() { return skip_spaces_at(i_); }
  Status skip_spaces_at(std::size_t& p) const {
    while (p < t_.size()) {
      if (is_separator(t_, p)) return separator_error();
      const std::size_t n = space_length(t_, p);
      if (n == 0) break;
      p += n;
    }
    return {};
  }

  // From '#' to the end of the line (the LF stays).
  Status skip_comment() {
    while (i_ < t_.size() && t_[i_] != '\n') {
      if (is_separator(t_, i_)) return separator_error();
      ++i_;
    }
    return {};
  }

  // After a value: spaces, an optional comment, then the end of the line.
  Status finish_line(std::string_view key) {
    VAULTX_TRY(skip_spaces());
    if (i_ < t_.size() && t_[i_] == '#') VAULTX_TRY(skip_comment());
    if (i_ < t_.size() && t_[i_] != '\n') {
      return fail(line_, "unexpected text after the value of '" + std::string(key) + "'",
                  "quote the whole value, and start a comment with '#'");
    }
    return {};
  }

  Result<ImportedEntry> parse_entry() {
    const std::size_t line = line_;
    // `export KEY`: the prefix counts only when a key follows it.
    if (has_bytes(t_, i_, "export") && space_length(t_, i_ + 6) > 0) {
      std::size_t p = i_ + 6;
      VAULTX_TRY(skip_spaces_at(p));
      if (p < t_.size() && is_key_char(t_[p])) i_ = p;
    }
    const std::size_t key_start = i_;
    while (i_ < t_.size() && is_key_char(t_[i_])) ++i_;
    if (i_ == key_start) {
      return fail(line, "expected KEY=VALUE, export KEY=VALUE, a comment or a blank line",
                  "keys are made of letters, digits, '_', '.' and '-'");
    }
    const std::string key(t_.substr(key_start, i_ - key_start));
    if (key == "__proto__") {
      return fail(line, "the key '__proto__' is not allowed", "the reference dotenv parser drops it; rename it");
    }
    if (i_ < t_.size() && t_[i_] == ':' && space_length(t_, i_ + 1) > 0) {
      ++i_;  // `KEY: value`
    } else if (i_ < t_.size() && t_[i_] == ':') {
      return fail(line, "'" + key + ":' must be followed by a space and the value on the same line",
                  "write KEY=VALUE");
    } else {
      VAULTX_TRY(skip_spaces());
      if (i_ >= t_.size() || t_[i_] != '=') {
        return fail(line, "expected '=' after the key '" + key + "'", "write KEY=VALUE on one line");
      }
      ++i_;
    }
    ImportedEntry entry{key, secure::SecretBytes(), line};
    VAULTX_ASSIGN(entry.value, parse_value(key));
    VAULTX_TRY(finish_line(key));
    return entry;
  }

  Result<secure::SecretBytes> parse_value(const std::string& key) {
    const std::size_t start = i_;
    VAULTX_TRY(skip_spaces());
    if (i_ >= t_.size() || t_[i_] == '\n' || t_[i_] == '#') return secure::SecretBytes();
    const char quote = t_[i_];
    if (quote == '\'' || quote == '"' || quote == '`') return quoted_value(key, quote);
    return unquoted_value(start);
  }

  // Up to the first '#' or the end of the line, without the white space
  // around it (trim()). The first character is not a quote here, so the
  // reference neither strips quotes nor expands escapes.
  Result<secure::SecretBytes> unquoted_value(std::size_t start) {
    std::size_t end = start;
    while (end < t_.size() && t_[end] != '\n' && t_[end] != '#') {
      if (is_separator(t_, end)) return separator_error();
      ++end;
    }
    std::size_t first = start;
    while (first < end) {
      const std::size_t n = space_length(t_, first);
      if (n == 0) break;
      first += n;
    }
    std::size_t last = end;  // one past the last character kept
    while (last > first) {
      std::size_t n = 0;
      for (std::size_t width : {1u, 2u, 3u}) {
        if (last - first >= width && space_length(t_, last - width) == width) n = width;
      }
      if (n == 0) break;
      last -= n;
    }
    i_ = end;
    return secure::SecretBytes::copy_of(t_.substr(first, last - first));
  }

  // Whether the expression's tail \s*(?:#.*)?$ matches after a closing quote
  // at `close`: white space that reaches a line end, or white space followed
  // by '#' or the end of the text.
  bool tail_matches(std::size_t close) const {
    std::size_t p = close + 1;
    while (p < t_.size()) {
      if (t_[p] == '\n' || is_separator(t_, p)) return true;
      const std::size_t n = space_length(t_, p);
      if (n == 0) break;
      p += n;
    }
    return p >= t_.size() || t_[p] == '#';
  }

  // The closing quote the expression settles on. Its loop (?:\\Q|[^Q])*
  // first runs to the first Q not preceded by a backslash; if the tail does
  // not match there, backtracking tries each escaped \Q before it as the
  // closing quote, the last one first.
  Result<secure::SecretBytes> quoted_value(const std::string& key, char quote) {
    const std::size_t open = i_;
    std::size_t first_unescaped = std::string_view::npos;
    for (std::size_t p = open + 1; p < t_.size(); ++p) {
      if (t_[p] == quote && t_[p - 1] != '\\') {
        first_unescaped = p;
        break;
      }
    }
    const std::size_t limit = first_unescaped == std::string_view::npos ? t_.size() : first_unescaped;
    std::size_t close = std::string_view::npos;
    if (first_unescaped != std::string_view::npos && tail_matches(first_unescaped)) {
      close = first_unescaped;
    } else {
      for (std::size_t p = limit; p > open + 2; --p) {
        const std::size_t q = p - 1;  // an escaped quote: a backslash inside the value, then Q
        if (t_[q] == quote && t_[q - 1] == '\\' && tail_matches(q)) {
          close = q;
          break;
        }
      }
    }
    if (close == std::string_view::npos) {
      if (t_.find(quote, open + 1) == std::string_view::npos) {
        return fail(line_, "the quoted value of '" + key + "' is never closed", std::string("end it with ") + quote);
      }
      return fail(line_, "the closing quote of '" + key + "' is followed by text other than a comment",
                  "quote the whole value, and start a comment with '#'");
    }
    const std::string_view content = t_.substr(open + 1, close - open - 1);
    for (char c : content) {
      if (c == '\n') ++line_;
    }
    i_ = close + 1;
    if (quote != '"') return secure::SecretBytes::copy_of(content);
    const auto newlines = expand(content, 'n', '\n');
    return expand(newlines.view(), 'r', '\r');
  }

  std::string_view t_;
  std::string_view source_;
  std::size_t i_ = 0;
  std::size_t line_ = 1;
};

}  // namespace

bool is_dotenv_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!is_key_char(c)) return false;
  }
  return true;
}

Result<std::vector<ImportedEntry>> parse_dotenv(std::string_view text, std::string_view source) {
  const auto normalized = normalize_newlines(text);
  return Parser(normalized.view(), source).run();
}

}  // namespace vaultx::format
