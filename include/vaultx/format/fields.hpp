// The line grammar shared by every vaultx text file:
//
//   file  = magic-line *field-line
//   line  = 1*VCHAR-or-SP LF          ; printable ASCII, no CR, no tab
//   field = key SP value              ; key and value without leading/trailing SP
//
// FieldReader walks such a file strictly, in the order a format expects, so
// that every file has exactly one valid spelling. FieldWriter builds one.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <vaultx/crypto/aead.hpp>
#include <vaultx/crypto/bytes.hpp>
#include <vaultx/error.hpp>

namespace vaultx::format {

constexpr std::size_t kIdBytes = 16;
using StoreId = std::array<std::uint8_t, kIdBytes>;
using FileId = std::array<std::uint8_t, kIdBytes>;

// An AEAD output as it is stored: nonce || ciphertext || tag, base64 encoded.
struct Sealed {
  crypto::Nonce nonce{};
  Bytes ciphertext;  // includes the 16-byte tag

  friend bool operator==(const Sealed&, const Sealed&) = default;
};

class FieldReader {
 public:
  explicit FieldReader(std::string_view text) : text_(text) {}

  // The next line must equal `magic` exactly.
  Status expect_line(std::string_view magic);
  // The next line must be "<key> <value>"; returns the value.
  Result<std::string_view> expect(std::string_view key);
  // Like expect(), but returns nullopt (consuming nothing) if the next line's key differs.
  Result<std::optional<std::string_view>> optional_field(std::string_view key);
  // True if the next line is a "<key> ..." field; consumes nothing.
  [[nodiscard]] bool next_is(std::string_view key) const;

  Result<StoreId> expect_id(std::string_view key);
  Result<Sealed> expect_sealed(std::string_view key, std::size_t plaintext_bytes_min,
                               std::size_t plaintext_bytes_max);
  Result<Bytes> expect_base64(std::string_view key, std::size_t min_bytes, std::size_t max_bytes);

  Status expect_end() const;
  // True once every byte has been consumed.
  [[nodiscard]] bool at_end() const { return pos_ >= text_.size(); }
  // Bytes consumed so far: the exact prefix covered by associated data.
  [[nodiscard]] std::string_view consumed() const { return text_.substr(0, pos_); }
  [[nodiscard]] int line_number() const { return line_; }

  Error error(const std::string& what) const;

 private:
  Result<std::string_view> next_line();

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 0;
};

class FieldWriter {
 public:
  FieldWriter() = default;
  explicit FieldWriter(std::string_view magic) { line(magic); }
  void line(std::string_view text) { (out_ += text) += '\n'; }
  void field(std::string_view key, std::string_view value) { ((out_ += key) += ' ') += value; out_ += '\n'; }
  void id(std::string_view key, const StoreId& id);
  void sealed(std::string_view key, const Sealed& s);
  void append(std::string_view text) { out_ += text; }
  [[nodiscard]] const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Associated data for a sealed field: the covered prefix of the file, then
// the field's key, so that no ciphertext can be moved to another field.
Bytes associated_data(std::string_view covered_prefix, std::string_view field_key);

}  // namespace vaultx::format
