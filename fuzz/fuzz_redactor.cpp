// libFuzzer target for the exec --mask redactor: the streamed output, for the
// chunking the input asks for, must equal a naive leftmost-longest redaction
// of the whole stream.
//
// Input: [n][len0][value0]...[len(n-1)][value(n-1)][k][k chunk sizes][stream]
// with n = 1 + byte % 4 values of byte % 24 bytes (some too short to mask),
// and k = byte % 8 chunk sizes 1 + byte % 32, repeated over the stream (k = 0:
// one byte at a time).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <vaultx/exec/redactor.hpp>

namespace {

using vaultx::as_bytes;
using vaultx::Bytes;
using vaultx::ByteView;
using vaultx::exec::MaskedValue;
using vaultx::exec::Redactor;

class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
  std::string bytes(std::size_t n) {
    n = std::min(n, size_ - at_);
    std::string out(reinterpret_cast<const char*>(data_ + at_), n);
    at_ += n;
    return out;
  }
  std::string rest() { return bytes(size_ - at_); }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

// Leftmost match first, longest among those starting there, first listed
// among equal ones; replacements are not scanned again.
std::string reference(std::string_view input, const std::vector<std::pair<std::string, std::string>>& patterns) {
  std::string out;
  std::size_t i = 0;
  for (;;) {
    std::size_t best_at = std::string_view::npos;
    std::size_t best = 0;
    for (std::size_t p = 0; p < patterns.size(); ++p) {
      const std::size_t at = input.find(patterns[p].first, i);
      if (at == std::string_view::npos) continue;
      if (at < best_at || (at == best_at && patterns[p].first.size() > patterns[best].first.size())) {
        best_at = at;
        best = p;
      }
    }
    if (best_at == std::string_view::npos) return out.append(input.substr(i));
    out.append(input.substr(i, best_at - i)).append("<redacted:" + patterns[best].second + ">");
    i = best_at + patterns[best].first.size();
  }
}

// A redactor and the reference's patterns for one list of values. Compiling
// costs dozens of guarded allocations (system calls), so the last few lists
// are kept: most mutations change only the stream. A reused redactor is
// itself under test: finish() must leave it as good as new.
struct Compiled {
  std::string key;
  Redactor redactor;
  std::vector<std::pair<std::string, std::string>> patterns;  // (form, name)
};

Compiled& compiled_for(const std::string& key, const std::vector<std::pair<std::string, std::string>>& values) {
  static std::vector<std::unique_ptr<Compiled>> cache;
  for (auto& entry : cache) {
    if (entry->key == key) return *entry;
  }
  std::vector<MaskedValue> masked;
  std::vector<std::pair<std::string, std::string>> patterns;
  for (const auto& [name, value] : values) {
    masked.push_back({name, as_bytes(value)});
    if (value.size() < Redactor::kMinValueSize) continue;
    const auto forms = vaultx::exec::redaction_forms(as_bytes(value));
    for (std::size_t i = 0; i < forms.size(); ++i) patterns.emplace_back(vaultx::as_text(forms[i]), name);
  }
  if (cache.size() == 64) cache.erase(cache.begin());
  cache.push_back(std::make_unique<Compiled>(Compiled{key, Redactor(masked), std::move(patterns)}));
  return *cache.back();
}

[[noreturn]] void mismatch(const char* how, const std::string& got, const std::string& want) {
  std::fprintf(stderr, "redactor mismatch (%s)\n got: %zu bytes\nwant: %zu bytes\n", how, got.size(), want.size());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader in(data, size);
  std::vector<std::pair<std::string, std::string>> values;  // (name, value)
  std::string key;
  const std::size_t count = 1 + in.byte() % 4;
  for (std::size_t v = 0; v < count; ++v) {
    const std::size_t length = in.byte() % 24;
    values.emplace_back("v" + std::to_string(v), in.bytes(length));
    key += static_cast<char>(values.back().second.size());
    key += values.back().second;
  }
  std::vector<std::size_t> chunk_sizes;
  const std::size_t chunk_count = in.byte() % 8;
  for (std::size_t c = 0; c < chunk_count; ++c) chunk_sizes.push_back(1 + in.byte() % 32);
  if (chunk_sizes.empty()) chunk_sizes.push_back(1);
  const std::string stream = in.rest();

  Compiled& compiled = compiled_for(key, values);
  Redactor& redactor = compiled.redactor;
  const std::string want = reference(stream, compiled.patterns);

  Bytes out;
  std::size_t at = 0;
  for (std::size_t c = 0; at < stream.size(); ++c) {
    const std::size_t n = std::min(chunk_sizes[c % chunk_sizes.size()], stream.size() - at);
    redactor.feed(as_bytes(std::string_view(stream).substr(at, n)), out);
    at += n;
  }
  redactor.finish(out);
  const std::string got(out.begin(), out.end());
  if (got != want) mismatch("chunked", got, want);

  out.clear();
  redactor.feed(as_bytes(stream), out);  // the same redactor, reused after finish()
  redactor.finish(out);
  const std::string whole(out.begin(), out.end());
  if (whole != want) mismatch("whole", whole, want);
  return 0;
}
