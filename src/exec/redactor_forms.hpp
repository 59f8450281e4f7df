// The encoded forms of a value that the redactor masks (private to
// src/exec/redactor.cpp; the list is documented at redaction_forms).
#pragma once

#include <sodium.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <vaultx/crypto/bytes.hpp>
#include <vaultx/exec/redactor.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::exec::detail {

inline constexpr const char* kUpperHex = "0123456789ABCDEF";
inline constexpr const char* kLowerHex = "0123456789abcdef";

// Writes one encoding into a caller's buffer that is large enough for it.
class FormWriter {
 public:
  explicit FormWriter(std::uint8_t* out) noexcept : out_(out) {}
  void put(std::uint8_t c) noexcept { out_[size_++] = c; }
  void put(char c) noexcept { put(static_cast<std::uint8_t>(c)); }
  void put(std::string_view text) noexcept {
    for (char c : text) put(c);
  }
  void put(ByteView bytes) noexcept {
    for (std::uint8_t c : bytes) put(c);
  }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  std::uint8_t* out_;
  std::size_t size_ = 0;
};

// The most bytes any encoding below writes for a value of `size` bytes: JSON
// writes at most 6 per input byte (\u00xx; a UTF-8 sequence of n bytes
// becomes at most 6 or, for n = 4, 12 bytes); base64 with padding and its
// terminating NUL fits as well.
inline std::size_t max_form_size(std::size_t size) noexcept { return 6 * size + 8; }

inline std::size_t base64_form(ByteView value, int variant, std::uint8_t* out, std::size_t capacity) {
  char* text = reinterpret_cast<char*>(out);  // NOLINT: sodium writes chars
  sodium_bin2base64(text, capacity, value.data(), value.size(), variant);
  return std::strlen(text);
}

inline bool is_unreserved(std::uint8_t c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

inline std::size_t percent_form(ByteView value, const char* hex, bool plus_for_space, std::uint8_t* buffer) {
  FormWriter out(buffer);
  for (std::uint8_t c : value) {
    if (is_unreserved(c)) {
      out.put(c);
    } else if (plus_for_space && c == ' ') {
      out.put('+');
    } else {
      out.put('%');
      out.put(hex[c >> 4]);
      out.put(hex[c & 15]);
    }
  }
  return out.size();
}

// Length of the UTF-8 sequence at bytes[i] and its code point (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF); 0 if invalid.
inline std::size_t utf8_sequence(ByteView bytes, std::size_t i, std::uint32_t& code_point) noexcept {
  const std::uint8_t lead = bytes[i];
  std::size_t length = 0;
  std::uint8_t low = 0x80;
  std::uint8_t high = 0xBF;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0Fu;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07u;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (bytes.size() - i < length) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const std::uint8_t next = bytes[i + k];
    if (next < low || next > high) return 0;
    low = 0x80;
    high = 0xBF;
    code_point = (code_point << 6) | (next & 0x3Fu);
  }
  return length;
}

inline bool is_valid_utf8(ByteView bytes) noexcept {
  std::uint32_t code_point = 0;
  for (std::size_t i = 0; i < bytes.size();) {
    const std::size_t length = utf8_sequence(bytes, i, code_point);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

struct JsonStyle {
  bool escape_slash = false;  // "/" as "\/"
  bool ascii_only = false;    // non-ASCII and DEL as \uxxxx; only for valid UTF-8
  bool html_safe = false;     // < > & U+2028 U+2029 as \uxxxx
  const char* hex = kLowerHex;
};

inline void put_u_escape(FormWriter& out, std::uint32_t unit, const char* hex) {
  out.put("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) out.put(hex[(unit >> shift) & 15u]);
}

inline bool json_needs_u_escape(std::uint32_t cp, const JsonStyle& style) noexcept {
  if (cp < 0x20) return true;
  if (style.html_safe && (cp == '<' || cp == '>' || cp == '&' || cp == 0x2028 || cp == 0x2029)) return true;
  return style.ascii_only && cp >= 0x7F;
}

// One character of a JSON string: `sequence` is its bytes in the value.
inline void put_json_char(FormWriter& out, ByteView sequence, std::uint32_t cp, const JsonStyle& style) {
  switch (cp) {
    case '"':
      out.put("\\\"");
      return;
    case '\\':
      out.put("\\\\");
      return;
    case '\b':
      out.put("\\b");
      return;
    case '\f':
      out.put("\\f");
      return;
    case '\n':
      out.put("\\n");
      return;
    case '\r':
      out.put("\\r");
      return;
    case '\t':
      out.put("\\t");
      return;
    case '/':
      if (style.escape_slash) {
        out.put("\\/");
        return;
      }
      break;
    default:
      break;
  }
  if (!json_needs_u_escape(cp, style)) {
    out.put(sequence);
  } else if (cp >= 0x10000) {  // UTF-16 surrogate pair
    put_u_escape(out, 0xD800 + ((cp - 0x10000) >> 10), style.hex);
    put_u_escape(out, 0xDC00 + ((cp - 0x10000) & 0x3FF), style.hex);
  } else {
    put_u_escape(out, cp, style.hex);
  }
}

inline std::size_t json_form(ByteView value, const JsonStyle& style, std::uint8_t* buffer) {
  FormWriter out(buffer);
  const bool decode = style.ascii_only || style.html_safe;
  for (std::size_t i = 0; i < value.size();) {
    std::uint32_t cp = value[i];
    std::size_t length = decode ? utf8_sequence(value, i, cp) : 1;
    if (length == 0) {  // not UTF-8: the byte stands for itself (html style only)
      cp = value[i];
      length = 1;
    }
    put_json_char(out, value.subspan(i, length), cp, style);
    i += length;
  }
  return out.size();
}

// Upper bound of the total size of the forms of a value of `size` bytes:
// the value, 4 base64 forms of at most 4 * ceil(size / 3) each, 4 percent
// forms of at most 3 * size, 9 JSON forms of at most 6 * size.
inline std::size_t forms_bound(std::size_t size) noexcept {
  return size > kMaxEncodedValueSize ? size : 73 * size + 16;
}

// The distinct forms of some values, back to back in one guarded block sized
// in advance, followed by the scratch space where each encoding is written.
class FormSet {
 public:
  struct Ref {
    std::size_t offset;
    std::size_t size;
    std::uint32_t name;  // index into the caller's list of values
  };

  // Room for the forms of values of these sizes.
  explicit FormSet(std::span<const std::size_t> value_sizes) {
    std::size_t largest = 0;  // of the values that are encoded
    for (std::size_t size : value_sizes) {
      capacity_ += forms_bound(size);
      if (size <= kMaxEncodedValueSize) largest = std::max(largest, size);
    }
    block_ = secure::SecretBytes(capacity_ + max_form_size(largest));
  }

  // Appends the forms of `value` that differ from its earlier forms, in the
  // order documented at redaction_forms.
  void add_value(ByteView value, std::uint32_t name);
  // Appends `value` alone, without its encodings.
  void add_raw(ByteView value, std::uint32_t name) { keep(value, refs_.size(), name); }

  [[nodiscard]] const std::vector<Ref>& refs() const noexcept { return refs_; }
  [[nodiscard]] ByteView form(const Ref& ref) const noexcept { return block_.span().subspan(ref.offset, ref.size); }
  [[nodiscard]] secure::SecretBytes take_block() && {
    block_.truncate(size_);
    return std::move(block_);
  }

 private:
  void keep(ByteView form, std::size_t first_of_value, std::uint32_t name);

  secure::SecretBytes block_;
  std::size_t capacity_ = 0;  // the forms' part of the block; the scratch space follows
  std::size_t size_ = 0;
  std::vector<Ref> refs_;
};

inline void FormSet::keep(ByteView form, std::size_t first_of_value, std::uint32_t name) {
  for (std::size_t i = first_of_value; i < refs_.size(); ++i) {
    const ByteView known = this->form(refs_[i]);
    if (known.size() == form.size() && std::equal(known.begin(), known.end(), form.begin())) return;
  }
  if (form.size() > capacity_ - size_) std::abort();  // forms_bound is wrong: a bug
  std::memcpy(block_.data() + size_, form.data(), form.size());
  refs_.push_back({size_, form.size(), name});
  size_ += form.size();
}

inline void FormSet::add_value(ByteView value, std::uint32_t name) {
  const std::size_t first = refs_.size();
  keep(value, first, name);
  if (value.size() > kMaxEncodedValueSize) return;
  std::uint8_t* scratch = block_.data() + capacity_;
  const std::size_t scratch_size = block_.size() - capacity_;
  if (scratch_size < max_form_size(value.size())) std::abort();  // not a value given to the constructor
  const auto written = [scratch](std::size_t size) { return ByteView(scratch, size); };
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                      sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    keep(written(base64_form(value, variant, scratch, scratch_size)), first, name);
  }
  for (bool plus_for_space : {false, true}) {
    for (const char* hex : {kUpperHex, kLowerHex}) {
      keep(written(percent_form(value, hex, plus_for_space, scratch)), first, name);
    }
  }
  const bool utf8 = is_valid_utf8(value);
  for (const char* hex : {kLowerHex, kUpperHex}) {
    for (bool ascii : {false, true}) {
      if (ascii && !utf8) continue;
      for (bool slash : {false, true}) {
        keep(written(json_form(value, {slash, ascii, false, hex}, scratch)), first, name);
      }
    }
    if (hex == kLowerHex) keep(written(json_form(value, {false, false, true, kLowerHex}, scratch)), first, name);
  }
  sodium_memzero(scratch, scratch_size);
}

}  // namespace vaultx::exec::detail
