// Streaming redaction of secret values: what `vaultx exec --mask` runs the
// child's stdout and stderr through.
//
// Every occurrence of a value, or of one of its encoded forms (the list is at
// redaction_forms), is replaced by `<redacted:NAME>`. Matching is
// leftmost-longest, exactly as if the whole stream were scanned at once: the
// match that starts first wins, and among matches that start at the same byte
// the longest wins. Replacement text is never scanned again.
//
// Streaming: feed() appends to the caller's buffer everything that can no
// longer become part of a match and holds back only the longest tail that is
// still a prefix of some form (at most max_holdback() bytes). The output is
// the same for every way of splitting the input into chunks.
//
// Cost: the forms are compiled into an Aho-Corasick automaton; a 4-gram
// filter lets the scanner skip most of the stream without stepping it, so
// ordinary output costs a fraction of a memory copy per byte (see
// bench/redactor_bench.cpp). Worst case (output made of overlapping near
// matches) is linear with a factor of at most (longest form / shortest form).
//
// The automaton, the filter and the held-back bytes all encode the values, so
// they live in guarded memory (SecretBytes) and are wiped when the redactor
// is destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <vaultx/crypto/bytes.hpp>
#include <vaultx/secure/secret_bytes.hpp>

namespace vaultx::exec {

// One secret to mask. Both views only need to live for the constructor call.
struct MaskedValue {
  std::string_view name;
  ByteView value;
};

// Values longer than this are masked only as they are: the automaton needs
// about 30 bytes of memory per byte of all forms, and a value has up to 18.
inline constexpr std::size_t kMaxEncodedValueSize = 64 * 1024;

// The forms of one value, in one guarded block (see redaction_forms).
class RedactionForms {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return spans_.size(); }
  [[nodiscard]] ByteView operator[](std::size_t i) const noexcept {
    return bytes_.span().subspan(spans_[i].first, spans_[i].second);
  }

 private:
  friend RedactionForms redaction_forms(ByteView value);
  secure::SecretBytes bytes_;
  std::vector<std::pair<std::size_t, std::size_t>> spans_;  // (offset, size) in bytes_
};

// The byte strings masked for one value, raw value first, each listed once
// and only if it differs from the raw value and from the forms before it:
//
//  - base64, RFC 4648 section 4 alphabet, with and without '=' padding;
//  - base64url, RFC 4648 section 5 alphabet, with and without padding;
//  - percent-encoding of every byte outside the RFC 3986 unreserved set
//    (A-Z a-z 0-9 - . _ ~), upper-case hex, then lower-case hex; and the same
//    with ' ' written as '+' (application/x-www-form-urlencoded);
//  - JSON string contents (without the quotes). Always: \" \\ \b \f \n \r \t
//    and \u00xx for the other bytes below 0x20. Then these variants:
//      plain           other bytes as they are (JavaScript, serde, Jackson);
//      slash           also / as \/;
//      ascii           every non-ASCII character as \uxxxx (a surrogate pair
//                      above U+FFFF) and DEL as \u007f (Python); only when the
//                      value is valid UTF-8;
//      ascii+slash     both (PHP);
//      html            < > & U+2028 U+2029 as \u003c \u003e \u0026 \u2028
//                      \u2029 (Go encoding/json);
//    each with lower-case hex in \u escapes, and plain/slash/ascii/ascii+slash
//    again with upper-case hex.
//
// A value longer than kMaxEncodedValueSize has only its raw form.
//
// Not covered: mixed-case hex within one percent-encoded value, encoders that
// leave some reserved characters unescaped (JavaScript encodeURIComponent,
// Python quote's default '/'), JSON escaping of other characters (.NET's
// default escapes + and '), a value inside a longer base64 text at an offset
// that is not a multiple of 3 (HTTP Basic credentials "user:password"),
// hex, double encodings, and any value shorter than Redactor::kMinValueSize.
RedactionForms redaction_forms(ByteView value);

class Redactor {
 public:
  // Values shorter than this are not masked: they would mask ordinary text.
  static constexpr std::size_t kMinValueSize = 4;

  // Compiles the forms of every value of at least kMinValueSize bytes. If two
  // names share a form, the one listed first is shown.
  explicit Redactor(std::span<const MaskedValue> values);
  // The same, plus values matched only as they are (no encoded forms), named
  // values.size() + i in find() (vaultx scan adds hex encodings this way).
  Redactor(std::span<const MaskedValue> values, std::span<const MaskedValue> raw_only);
  ~Redactor();
  Redactor(Redactor&&) noexcept;
  Redactor& operator=(Redactor&&) noexcept;
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  // A redactor for another stream (stderr beside stdout) sharing the compiled
  // tables, which are read-only: cheap, and usable from another thread.
  [[nodiscard]] Redactor new_stream() const;

  // Scans the next chunk of the stream; appends to `out` what is safe to write.
  void feed(ByteView chunk, Bytes& out);
  // End of stream: appends what was held back (masked where it completes a
  // match). The redactor is then ready for a new stream.
  void finish(Bytes& out);

  // One occurrence found by find(): text[start, end) is a form of value `name`
  // (an index into the values given to the constructor).
  struct Match {
    std::size_t start;
    std::size_t end;
    std::uint32_t name;
  };
  // Scans one whole text (not a stream) with the same leftmost-longest rule
  // and appends the matches, in order, instead of writing a redacted copy.
  void find(ByteView text, std::vector<Match>& matches);

  // Names whose values were too short to mask, in the order given, so that
  // the caller can warn once.
  [[nodiscard]] const std::vector<std::string>& skipped_names() const noexcept;
  // Number of distinct byte strings being masked, over all values.
  [[nodiscard]] std::size_t form_count() const noexcept;
  // The most bytes feed() ever holds back: the length of the longest form.
  [[nodiscard]] std::size_t max_holdback() const noexcept;

 private:
  struct Impl;
  explicit Redactor(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vaultx::exec
