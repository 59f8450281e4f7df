// Streaming redactor: the leftmost-longest scanner over the automaton and
// filter of redactor_automaton.hpp, and the public API.
#include <vaultx/exec/redactor.hpp>

#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <utility>

#include "redactor_automaton.hpp"
#include "redactor_forms.hpp"
#include "redactor_storage.hpp"

namespace vaultx::exec {

using detail::Automaton;
using detail::FormSet;
using detail::kRoot;
using detail::load_u32;
using detail::Node;
using detail::SkipFilter;
using detail::Slab;
using detail::TrieBuilder;
using secure::SecretBytes;

namespace {

// ------------------------------------------------------------ scanning --

// The held-back bytes followed by the new chunk, addressed as one text.
struct Joined {
  const std::uint8_t* head;
  std::size_t head_size;
  const std::uint8_t* tail;
  std::size_t tail_size;

  [[nodiscard]] std::size_t size() const noexcept { return head_size + tail_size; }
  [[nodiscard]] std::uint8_t at(std::size_t i) const noexcept { return i < head_size ? head[i] : tail[i - head_size]; }
  [[nodiscard]] std::uint32_t gram_at(std::size_t i) const noexcept {
    if (i >= head_size) return load_u32(tail + (i - head_size));
    if (i + 4 <= head_size) return load_u32(head + i);
    const std::uint8_t bytes[4] = {at(i), at(i + 1), at(i + 2), at(i + 3)};
    return load_u32(bytes);
  }
  void copy_to(Bytes& out, std::size_t from, std::size_t to) const {
    if (from < head_size && from < to) {
      const std::size_t end = std::min(to, head_size);
      out.insert(out.end(), head + from, head + end);
      from = end;
    }
    if (from < to) out.insert(out.end(), tail + (from - head_size), tail + (to - head_size));
  }
};

struct PendingMatch {
  bool found = false;
  std::size_t start = 0;
  std::size_t end = 0;
  std::uint32_t name = 0;
};

constexpr std::size_t kNever = std::numeric_limits<std::size_t>::max();

struct SkipResult {
  std::size_t next;         // no match starts in [from, next)
  std::size_t next_filter;  // do not ask again before this start position
};

}  // namespace

// ------------------------------------------------------------ forms API --

RedactionForms redaction_forms(ByteView value) {
  const std::size_t sizes[] = {value.size()};
  FormSet set(sizes);
  set.add_value(value, 0);
  RedactionForms forms;
  for (const FormSet::Ref& ref : set.refs()) forms.spans_.emplace_back(ref.offset, ref.size);
  forms.bytes_ = std::move(set).take_block();
  return forms;
}

// -------------------------------------------------------------- Redactor --

namespace {

// What the values compile to; read-only, so streams can share it.
struct Compiled {
  Slab slab;  // the automaton's and the filter's memory
  Automaton automaton;
  SkipFilter filter;
  std::vector<std::string> replacements;  // by name index: "<redacted:NAME>"
  std::vector<std::string> skipped;
  std::size_t form_count = 0;
  std::size_t longest = 0;

  Compiled(std::span<const MaskedValue> values, std::span<const MaskedValue> raw_only) {
    std::vector<std::size_t> sizes;
    for (const MaskedValue& value : raw_only) {
      if (value.value.size() >= Redactor::kMinValueSize) sizes.push_back(value.value.size());
    }
    for (const MaskedValue& value : values) {
      replacements.push_back("<redacted:" + std::string(value.name) + ">");
      if (value.value.size() < Redactor::kMinValueSize) {
        skipped.emplace_back(value.name);
      } else {
        sizes.push_back(value.value.size());
      }
    }
    if (sizes.empty()) return;
    FormSet forms(sizes);
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i].value.size() < Redactor::kMinValueSize) continue;
      forms.add_value(values[i].value, static_cast<std::uint32_t>(i));
    }
    for (std::size_t i = 0; i < raw_only.size(); ++i) {
      replacements.push_back("<redacted:" + std::string(raw_only[i].name) + ">");
      if (raw_only[i].value.size() < Redactor::kMinValueSize) continue;
      forms.add_raw(raw_only[i].value, static_cast<std::uint32_t>(values.size() + i));
    }
    std::size_t total = 0;
    std::size_t shortest = kNever;
    for (const FormSet::Ref& ref : forms.refs()) {
      total += ref.size;
      shortest = std::min(shortest, ref.size);
      longest = std::max(longest, ref.size);
    }
    if (total >= std::numeric_limits<std::uint32_t>::max()) throw std::bad_alloc();
    TrieBuilder trie(total + 1);
    for (const FormSet::Ref& ref : forms.refs()) trie.insert(forms.form(ref), ref.name);
    form_count = trie.distinct_forms();
    slab = Slab(Automaton::bytes_for(trie.node_count()) + SkipFilter::bytes_for(forms.refs().size(), shortest));
    automaton = Automaton(trie, slab);
    filter = SkipFilter(forms, shortest, slab);
  }
};

}  // namespace

struct Redactor::Impl {
  std::shared_ptr<const Compiled> tables;

  // Stream state between feed() calls. The held-back bytes are exactly the
  // string of the automaton's current state.
  SecretBytes held;
  std::size_t held_size = 0;
  std::uint32_t state = kRoot;
  PendingMatch pending;         // positions relative to the held bytes
  std::size_t filter_from = 0;  // ditto

  explicit Impl(std::shared_ptr<const Compiled> compiled) : tables(std::move(compiled)), held(tables->longest) {}
  [[nodiscard]] SkipResult skip(const Joined& in, std::size_t from) const noexcept;
  // Writes the redacted text to `out`, or, if `found` is set, only lists the matches there.
  void scan(const Joined& in, bool final, Bytes& out, std::vector<Match>* found = nullptr);
  void keep_tail(const Joined& in, std::size_t from);
  void reset() noexcept;
};

// Finds the first start position >= from that the filter cannot rule out.
SkipResult Redactor::Impl::skip(const Joined& in, std::size_t from) const noexcept {
  const SkipFilter& filter = tables->filter;
  const std::size_t stride = filter.stride();
  const std::size_t size = in.size();
  // The first start position in [lo, lo + count) that may start a form, or kNever.
  const auto first_start = [&](std::size_t lo, std::size_t count) {
    for (std::size_t p = lo; p < lo + count; ++p) {
      if (filter.may_start(in.gram_at(p))) return p;
    }
    return kNever;
  };
  std::size_t w = from + stride - 1;  // every match starting in [w - stride + 1, w] contains the 4-gram at w
  for (; w + 4 <= size; w += stride) {
    if (w >= in.head_size) {  // the hot loop: 4-grams wholly inside the chunk
      std::size_t j = w - in.head_size;
      while (j + 4 <= in.tail_size && !filter.window_may_match(load_u32(in.tail + j))) j += stride;
      w = j + in.head_size;
      if (w + 4 > size) break;
    } else if (!filter.window_may_match(in.gram_at(w))) {
      continue;
    }
    const std::size_t p = first_start(w + 1 - stride, stride);
    if (p != kNever) return {p, p + 1};
  }
  // Out of 4-grams to sample: check the remaining start positions one by one,
  // up to the last whole 4-gram; the final bytes are stepped.
  const std::size_t lo = w + 1 - stride;
  const std::size_t whole = size >= 3 && size - 3 > lo ? size - 3 - lo : 0;
  const std::size_t p = first_start(lo, whole);
  if (p != kNever) return {p, p + 1};
  return {lo + whole, kNever};
}

// Leftmost-longest scan. `best` is the best match seen so far (earliest
// start, then longest). It is final once no match still in progress can start
// at or before it: the automaton's state string starts at pos - depth, and
// every match yet to end starts there or later. Matches seen while waiting
// that start after it are found again by rescanning from its end.
void Redactor::Impl::scan(const Joined& in, bool final, Bytes& out, std::vector<Match>* found) {
  const Automaton& automaton = tables->automaton;
  const std::size_t size = in.size();
  std::size_t pos = held_size;  // the held bytes are already stepped
  std::size_t emitted = 0;
  std::uint32_t s = state;
  PendingMatch best = pending;
  std::size_t next_filter = filter_from;
  for (;;) {
    const std::size_t live_from = pos - automaton.node(s).depth;
    if (best.found && (live_from > best.start || (final && pos == size))) {
      if (found != nullptr) {
        found->push_back({best.start, best.end, best.name});
      } else {
        in.copy_to(out, emitted, best.start);
        const std::string& replacement = tables->replacements[best.name];
        out.insert(out.end(), replacement.begin(), replacement.end());
      }
      emitted = pos = next_filter = best.end;
      s = kRoot;
      best.found = false;
      continue;
    }
    if (pos == size) break;
    if (!best.found && live_from >= next_filter) {
      const SkipResult r = skip(in, live_from);
      next_filter = r.next_filter;
      if (r.next > pos) {  // nothing in progress can complete: restart at the next candidate
        pos = r.next;
        s = kRoot;
        continue;
      }
    }
    s = automaton.step(s, in.at(pos++));
    const Node& n = automaton.node(s);
    if (n.out_length != 0) {
      const std::size_t start = pos - n.out_length;
      if (!best.found || start <= best.start) best = {true, start, pos, n.out_name};
    }
  }
  if (final) {
    if (found == nullptr) in.copy_to(out, emitted, size);
    reset();
    return;
  }
  const std::size_t keep_from = size - automaton.node(s).depth;
  in.copy_to(out, emitted, keep_from);
  keep_tail(in, keep_from);
  state = s;
  pending = {};
  if (best.found) pending = {true, best.start - keep_from, best.end - keep_from, best.name};
  filter_from = next_filter == kNever || next_filter < keep_from ? 0 : next_filter - keep_from;
}

// Moves in[from, size) to the start of the held buffer (it may overlap it).
void Redactor::Impl::keep_tail(const Joined& in, std::size_t from) {
  std::size_t kept = 0;
  if (from < in.head_size) {
    kept = in.head_size - from;
    std::memmove(held.data(), in.head + from, kept);
    from = in.head_size;
  }
  const std::size_t rest = in.size() - from;
  if (rest != 0) std::memcpy(held.data() + kept, in.tail + (from - in.head_size), rest);
  held_size = kept + rest;
}

void Redactor::Impl::reset() noexcept {
  if (held_size != 0) sodium_memzero(held.data(), held_size);
  held_size = 0;
  state = kRoot;
  pending = {};
  filter_from = 0;
}

Redactor::Redactor(std::span<const MaskedValue> values)
    : impl_(std::make_unique<Impl>(std::make_shared<const Compiled>(values, std::span<const MaskedValue>{}))) {}
Redactor::Redactor(std::span<const MaskedValue> values, std::span<const MaskedValue> raw_only)
    : impl_(std::make_unique<Impl>(std::make_shared<const Compiled>(values, raw_only))) {}
Redactor::Redactor(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Redactor::~Redactor() = default;
Redactor::Redactor(Redactor&&) noexcept = default;
Redactor& Redactor::operator=(Redactor&&) noexcept = default;

Redactor Redactor::new_stream() const { return Redactor(std::make_unique<Impl>(impl_->tables)); }

void Redactor::feed(ByteView chunk, Bytes& out) {
  if (chunk.empty()) return;
  if (impl_->tables->form_count == 0) {
    out.insert(out.end(), chunk.begin(), chunk.end());
    return;
  }
  impl_->scan({impl_->held.data(), impl_->held_size, chunk.data(), chunk.size()}, false, out);
}

void Redactor::finish(Bytes& out) {
  if (impl_->tables->form_count == 0) return;
  impl_->scan({impl_->held.data(), impl_->held_size, nullptr, 0}, true, out);
}

void Redactor::find(ByteView text, std::vector<Match>& matches) {
  if (impl_->tables->form_count == 0 || text.empty()) return;
  impl_->reset();
  Bytes unused;
  impl_->scan({impl_->held.data(), 0, text.data(), text.size()}, true, unused, &matches);
}

const std::vector<std::string>& Redactor::skipped_names() const noexcept { return impl_->tables->skipped; }
std::size_t Redactor::form_count() const noexcept { return impl_->tables->form_count; }
std::size_t Redactor::max_holdback() const noexcept { return impl_->tables->longest; }

}  // namespace vaultx::exec
