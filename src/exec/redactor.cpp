// Streaming redactor: encoded forms, an Aho-Corasick automaton over them, a
// 4-gram skip filter, and the leftmost-longest scanner that ties them together.
#include <vaultx/exec/redactor.hpp>

#include <sodium.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <type_traits>
#include <utility>

namespace vaultx::exec {

using secure::SecretBytes;

namespace {

// ---------------------------------------------------------------- storage --

// The automaton and the filter are the values in another shape, so they are
// kept like values: in guarded memory (SecretBytes), wiped when released.
// Each guarded block costs several system calls, so the arrays of one object
// share a block (a Slab) instead of having one each.

// A view of `size` T in a Slab.
template <typename T>
class Array {
 public:
  Array() = default;
  Array(T* data, std::size_t size) noexcept : data_(data), size_(size) {}
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] T* data() const noexcept { return data_; }
  T& operator[](std::size_t i) const noexcept { return data_[i]; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

// One zero-filled guarded block, handed out as arrays. Sizes are rounded up
// to 8 bytes; sodium_malloc ends a block on a page boundary, so a block whose
// size is a multiple of 8 starts 8-aligned, and so does every array in it.
class Slab {
 public:
  Slab() = default;
  explicit Slab(std::size_t bytes) : block_(std::max<std::size_t>(bytes, 8)) {}

  template <typename T>
  static std::size_t bytes_for(std::size_t count) {
    static_assert(std::is_trivially_copyable_v<T> && alignof(T) <= 8);
    if (count > (std::numeric_limits<std::size_t>::max() - 7) / sizeof(T)) throw std::bad_alloc();
    return (count * sizeof(T) + 7) & ~std::size_t{7};
  }

  template <typename T>
  Array<T> take(std::size_t count) {
    const std::size_t bytes = bytes_for<T>(count);
    if (bytes > block_.size() - used_) std::abort();        // sized wrongly: a bug, never a secret-dependent state
    T* data = reinterpret_cast<T*>(block_.data() + used_);  // NOLINT: typed view of guarded bytes
    used_ += bytes;
    return {data, count};
  }

 private:
  SecretBytes block_;
  std::size_t used_ = 0;
};

std::uint32_t load_u32(const std::uint8_t* p) noexcept {
  std::uint32_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// ---------------------------------------------------------- encoded forms --

constexpr const char* kUpperHex = "0123456789ABCDEF";
constexpr const char* kLowerHex = "0123456789abcdef";

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
std::size_t max_form_size(std::size_t size) noexcept { return 6 * size + 8; }

std::size_t base64_form(ByteView value, int variant, std::uint8_t* out, std::size_t capacity) {
  char* text = reinterpret_cast<char*>(out);  // NOLINT: sodium writes chars
  sodium_bin2base64(text, capacity, value.data(), value.size(), variant);
  return std::strlen(text);
}

bool is_unreserved(std::uint8_t c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::size_t percent_form(ByteView value, const char* hex, bool plus_for_space, std::uint8_t* buffer) {
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
std::size_t utf8_sequence(ByteView bytes, std::size_t i, std::uint32_t& code_point) noexcept {
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

bool is_valid_utf8(ByteView bytes) noexcept {
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

void put_u_escape(FormWriter& out, std::uint32_t unit, const char* hex) {
  out.put("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) out.put(hex[(unit >> shift) & 15u]);
}

bool json_needs_u_escape(std::uint32_t cp, const JsonStyle& style) noexcept {
  if (cp < 0x20) return true;
  if (style.html_safe && (cp == '<' || cp == '>' || cp == '&' || cp == 0x2028 || cp == 0x2029)) return true;
  return style.ascii_only && cp >= 0x7F;
}

// One character of a JSON string: `sequence` is its bytes in the value.
void put_json_char(FormWriter& out, ByteView sequence, std::uint32_t cp, const JsonStyle& style) {
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

std::size_t json_form(ByteView value, const JsonStyle& style, std::uint8_t* buffer) {
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
std::size_t forms_bound(std::size_t size) noexcept { return size > kMaxEncodedValueSize ? size : 73 * size + 16; }

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
    block_ = SecretBytes(capacity_ + max_form_size(largest));
  }

  // Appends the forms of `value` that differ from its earlier forms, in the
  // order documented at redaction_forms.
  void add_value(ByteView value, std::uint32_t name);

  [[nodiscard]] const std::vector<Ref>& refs() const noexcept { return refs_; }
  [[nodiscard]] ByteView form(const Ref& ref) const noexcept { return block_.span().subspan(ref.offset, ref.size); }
  [[nodiscard]] SecretBytes take_block() && {
    block_.truncate(size_);
    return std::move(block_);
  }

 private:
  void keep(ByteView form, std::size_t first_of_value, std::uint32_t name);

  SecretBytes block_;
  std::size_t capacity_ = 0;  // the forms' part of the block; the scratch space follows
  std::size_t size_ = 0;
  std::vector<Ref> refs_;
};

void FormSet::keep(ByteView form, std::size_t first_of_value, std::uint32_t name) {
  for (std::size_t i = first_of_value; i < refs_.size(); ++i) {
    const ByteView known = this->form(refs_[i]);
    if (known.size() == form.size() && std::equal(known.begin(), known.end(), form.begin())) return;
  }
  if (form.size() > capacity_ - size_) std::abort();  // forms_bound is wrong: a bug
  std::memcpy(block_.data() + size_, form.data(), form.size());
  refs_.push_back({size_, form.size(), name});
  size_ += form.size();
}

void FormSet::add_value(ByteView value, std::uint32_t name) {
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

// ---------------------------------------------------------------- the trie --

constexpr std::uint32_t kRoot = 0;
constexpr std::uint32_t kNoName = std::numeric_limits<std::uint32_t>::max();

// The trie of all forms, grown one byte at a time: the root's children in a
// table, every other node's children in a list sorted by byte.
class TrieBuilder {
 public:
  explicit TrieBuilder(std::size_t max_nodes)
      : slab_(3 * Slab::bytes_for<std::uint32_t>(max_nodes) + Slab::bytes_for<std::uint8_t>(max_nodes) +
              Slab::bytes_for<std::uint32_t>(256)),
        first_child_(slab_.take<std::uint32_t>(max_nodes)),
        next_sibling_(slab_.take<std::uint32_t>(max_nodes)),
        name_(slab_.take<std::uint32_t>(max_nodes)),
        label_(slab_.take<std::uint8_t>(max_nodes)),
        root_child_(slab_.take<std::uint32_t>(256)) {
    for (std::size_t i = 0; i < max_nodes; ++i) name_[i] = kNoName;
  }

  void insert(ByteView form, std::uint32_t name) {
    std::uint32_t node = kRoot;
    for (std::uint8_t c : form) node = child_or_new(node, c);
    if (name_[node] != kNoName) return;  // the first name listed wins
    name_[node] = name;
    ++distinct_forms_;
  }

  [[nodiscard]] std::size_t node_count() const noexcept { return count_; }
  [[nodiscard]] std::size_t distinct_forms() const noexcept { return distinct_forms_; }
  [[nodiscard]] std::uint8_t label(std::uint32_t node) const noexcept { return label_[node]; }
  [[nodiscard]] std::uint32_t name(std::uint32_t node) const noexcept { return name_[node]; }

  // Calls f(child) for each child of `node`, in byte order.
  template <typename F>
  void for_each_child(std::uint32_t node, F&& f) const {
    if (node == kRoot) {
      for (std::size_t c = 0; c < 256; ++c) {
        if (root_child_[c] != kRoot) f(root_child_[c]);
      }
      return;
    }
    for (std::uint32_t child = first_child_[node]; child != kRoot; child = next_sibling_[child]) f(child);
  }

 private:
  std::uint32_t new_node(std::uint8_t c) noexcept {
    const auto node = static_cast<std::uint32_t>(count_++);
    label_[node] = c;
    return node;
  }

  std::uint32_t child_or_new(std::uint32_t node, std::uint8_t c) {
    if (node == kRoot) {
      if (root_child_[c] == kRoot) root_child_[c] = new_node(c);
      return root_child_[c];
    }
    // Walk the sorted list to the first child labelled >= c.
    std::uint32_t* link = &first_child_[node];
    while (*link != kRoot && label_[*link] < c) link = &next_sibling_[*link];
    if (*link != kRoot && label_[*link] == c) return *link;
    const std::uint32_t fresh = new_node(c);
    next_sibling_[fresh] = *link;
    *link = fresh;
    return fresh;
  }

  Slab slab_;
  Array<std::uint32_t> first_child_;   // kRoot: none (the root is nobody's child)
  Array<std::uint32_t> next_sibling_;  // kRoot: end of list
  Array<std::uint32_t> name_;
  Array<std::uint8_t> label_;
  Array<std::uint32_t> root_child_;
  std::size_t count_ = 1;
  std::size_t distinct_forms_ = 0;
};

// ------------------------------------------------------ the Aho-Corasick --

struct Node {
  std::uint32_t fail;        // longest proper suffix of this node's string that is a trie node
  std::uint32_t depth;       // length of this node's string
  std::uint32_t out_length;  // longest form that is a suffix of this node's string; 0 if none
  std::uint32_t out_name;    // the name of that form
  std::uint32_t edge_begin;  // children: edges [edge_begin, edge_begin + edge_count), sorted by byte
  std::uint32_t edge_count;
};

// Nodes are numbered depth-first, so that the nodes of one form's path, and
// their edges, lie next to each other: stepping through a match reads memory
// in order. Failure links are filled in breadth-first.
class Automaton {
 public:
  Automaton() = default;

  static std::size_t bytes_for(std::size_t nodes) {
    return Slab::bytes_for<Node>(nodes) + Slab::bytes_for<std::uint8_t>(nodes) + Slab::bytes_for<std::uint32_t>(nodes) +
           Slab::bytes_for<std::uint32_t>(256);
  }

  // Takes bytes_for(trie.node_count()) from `slab`.
  Automaton(const TrieBuilder& trie, Slab& slab)
      : nodes_(slab.take<Node>(trie.node_count())),
        edge_label_(slab.take<std::uint8_t>(trie.node_count())),
        edge_target_(slab.take<std::uint32_t>(trie.node_count())),
        root_next_(slab.take<std::uint32_t>(256)) {
    const std::size_t count = trie.node_count();
    Slab scratch(3 * Slab::bytes_for<std::uint32_t>(count));
    const Array<std::uint32_t> builder_node = scratch.take<std::uint32_t>(count);  // our number -> the builder's
    const Array<std::uint32_t> number = scratch.take<std::uint32_t>(count);        // the builder's number -> ours
    const Array<std::uint32_t> work = scratch.take<std::uint32_t>(count);          // a stack, then a queue
    number_depth_first(trie, builder_node, number, work);
    link_children(trie, builder_node, number);
    for (std::uint32_t e = 0; e < nodes_[kRoot].edge_count; ++e) root_next_[edge_label_[e]] = edge_target_[e];
    link_failures(work);
  }

  [[nodiscard]] const Node& node(std::uint32_t state) const noexcept { return nodes_[state]; }

  // The goto function: follow failure links until some node has an edge for c.
  [[nodiscard]] std::uint32_t step(std::uint32_t state, std::uint8_t c) const noexcept {
    while (state != kRoot) {
      const Node& n = nodes_[state];
      const std::uint8_t* labels = edge_label_.data() + n.edge_begin;
      for (std::uint32_t i = 0; i < n.edge_count; ++i) {
        if (labels[i] == c) return edge_target_[n.edge_begin + i];
        if (labels[i] > c) break;
      }
      state = n.fail;
    }
    return root_next_[c];
  }

 private:
  void number_depth_first(const TrieBuilder& trie, Array<std::uint32_t> builder_node, Array<std::uint32_t> number,
                          Array<std::uint32_t> stack) {
    std::size_t top = 0;
    std::uint32_t next = 0;
    stack[top++] = kRoot;
    while (top != 0) {
      const std::uint32_t node = stack[--top];
      number[node] = next;
      builder_node[next++] = node;
      const std::size_t first = top;
      trie.for_each_child(node, [&](std::uint32_t child) { stack[top++] = child; });
      std::reverse(stack.data() + first, stack.data() + top);  // lowest byte on top: visited first
    }
  }

  // Edges in our numbering, each node's sorted by byte; a parent is numbered
  // before its children, so its depth is known when they are reached.
  void link_children(const TrieBuilder& trie, Array<std::uint32_t> builder_node, Array<std::uint32_t> number) {
    std::uint32_t edges = 0;
    for (std::size_t k = 0; k < nodes_.size(); ++k) {
      Node& parent = nodes_[k];
      parent.edge_begin = edges;
      trie.for_each_child(builder_node[k], [&](std::uint32_t child) {
        Node& n = nodes_[number[child]];
        n.depth = parent.depth + 1;
        n.out_name = trie.name(child);
        if (n.out_name != kNoName) n.out_length = n.depth;
        edge_label_[edges] = trie.label(child);
        edge_target_[edges] = number[child];
        ++edges;
      });
      parent.edge_count = edges - parent.edge_begin;
    }
  }

  // Breadth-first, so that the failure links of all shallower nodes, which
  // step() follows, are already in place.
  void link_failures(Array<std::uint32_t> queue) {
    std::size_t head = 0;
    std::size_t tail = 0;
    queue[tail++] = kRoot;
    while (head < tail) {
      const std::uint32_t k = queue[head++];
      const Node& parent = nodes_[k];
      for (std::uint32_t e = parent.edge_begin; e < parent.edge_begin + parent.edge_count; ++e) {
        Node& n = nodes_[edge_target_[e]];
        n.fail = k == kRoot ? kRoot : step(parent.fail, edge_label_[e]);
        if (n.out_length == 0) {  // inherit the longest form ending here from the failure target
          n.out_length = nodes_[n.fail].out_length;
          n.out_name = nodes_[n.fail].out_name;
        }
        queue[tail++] = edge_target_[e];
      }
    }
  }

  Array<Node> nodes_;
  Array<std::uint8_t> edge_label_;
  Array<std::uint32_t> edge_target_;
  Array<std::uint32_t> root_next_;
};

// ------------------------------------------------------- the skip filter --

// A set of 4-grams. Most lookups are answered by a blocked Bloom filter:
// two bits of one 64-bit word per gram, 16 bits per gram in all, so that it
// stays in the L1 cache (a false "maybe" about once in a hundred). A maybe is
// confirmed in the sorted list of the grams themselves, so that a common
// 4-gram of the stream that happens to share the bits costs no stepping.
class GramSet {
 public:
  GramSet() = default;

  static std::size_t bytes_for(std::size_t capacity) {
    return Slab::bytes_for<std::uint64_t>(word_count(capacity)) + Slab::bytes_for<std::uint32_t>(capacity);
  }

  // Room for `capacity` grams, taking bytes_for(capacity) from `slab`.
  GramSet(std::size_t capacity, std::uint64_t multiplier, Slab& slab)
      : words_(slab.take<std::uint64_t>(word_count(capacity))),
        grams_(slab.take<std::uint32_t>(capacity)),
        multiplier_(multiplier),
        shift_(64 - static_cast<unsigned>(std::countr_zero(words_.size()))) {}

  void add(std::uint32_t gram) noexcept {
    const std::uint64_t h = gram * multiplier_;
    words_[h >> shift_] |= mask(h);
    grams_[count_++] = gram;
  }
  // After the last add().
  void seal() noexcept {
    std::sort(grams_.data(), grams_.data() + count_);
    count_ = static_cast<std::size_t>(std::unique(grams_.data(), grams_.data() + count_) - grams_.data());
  }
  [[nodiscard]] bool contains(std::uint32_t gram) const noexcept {
    const std::uint64_t h = gram * multiplier_;
    const std::uint64_t m = mask(h);
    if ((words_[h >> shift_] & m) != m) return false;
    return std::binary_search(grams_.data(), grams_.data() + count_, gram);
  }

 private:
  // Two bits from the product's bits just below the word index.
  [[nodiscard]] std::uint64_t mask(std::uint64_t h) const noexcept {
    return (std::uint64_t{1} << ((h >> (shift_ - 6)) & 63)) | (std::uint64_t{1} << ((h >> (shift_ - 12)) & 63));
  }

  // A power of two, about one word per 4 grams.
  static std::size_t word_count(std::size_t capacity) noexcept {
    std::size_t words = 16;
    while (words < (std::size_t{1} << 20) && words * 4 < capacity) words *= 2;
    return words;
  }

  Array<std::uint64_t> words_;
  Array<std::uint32_t> grams_;
  std::size_t count_ = 0;
  std::uint64_t multiplier_ = 1;
  unsigned shift_ = 60;
};

// Rules out start positions without stepping the automaton. Every form is at
// least `shortest` = m bytes long; let s = m - 3. A match starting anywhere in
// [w - s + 1, w] contains the 4 bytes at w, at one of its offsets 0..s-1. So
// the scanner looks up only every s-th 4-gram of the stream among the
// 4-grams at offsets 0..s-1 of all forms (`windows`): a miss rules out s
// start positions at once. On a hit, each of those s positions is
// checked against the first 4 bytes of all forms (`starts`), and the
// automaton runs only from a position that passes both.
class SkipFilter {
 public:
  SkipFilter() = default;

  static std::size_t bytes_for(std::size_t forms, std::size_t shortest) {
    return GramSet::bytes_for(forms * (shortest - 3)) + GramSet::bytes_for(forms);
  }

  // Takes bytes_for(forms.refs().size(), shortest) from `slab`.
  SkipFilter(const FormSet& forms, std::size_t shortest, Slab& slab)
      : stride_(shortest - 3),
        windows_(forms.refs().size() * stride_, 0x9E3779B97F4A7C15u, slab),
        starts_(forms.refs().size(), 0xC2B2AE3D27D4EB4Fu, slab) {
    for (const FormSet::Ref& ref : forms.refs()) {
      const ByteView form = forms.form(ref);
      for (std::size_t offset = 0; offset < stride_; ++offset) windows_.add(load_u32(form.data() + offset));
      starts_.add(load_u32(form.data()));
    }
    windows_.seal();
    starts_.seal();
  }

  [[nodiscard]] std::size_t stride() const noexcept { return stride_; }
  [[nodiscard]] bool window_may_match(std::uint32_t gram) const noexcept { return windows_.contains(gram); }
  [[nodiscard]] bool may_start(std::uint32_t gram) const noexcept { return starts_.contains(gram); }

 private:
  std::size_t stride_ = 1;
  GramSet windows_;
  GramSet starts_;
};

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

  explicit Compiled(std::span<const MaskedValue> values) {
    std::vector<std::size_t> sizes;
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
  void scan(const Joined& in, bool final, Bytes& out);
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
void Redactor::Impl::scan(const Joined& in, bool final, Bytes& out) {
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
      in.copy_to(out, emitted, best.start);
      const std::string& replacement = tables->replacements[best.name];
      out.insert(out.end(), replacement.begin(), replacement.end());
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
    in.copy_to(out, emitted, size);
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
    : impl_(std::make_unique<Impl>(std::make_shared<const Compiled>(values))) {}
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

const std::vector<std::string>& Redactor::skipped_names() const noexcept { return impl_->tables->skipped; }
std::size_t Redactor::form_count() const noexcept { return impl_->tables->form_count; }
std::size_t Redactor::max_holdback() const noexcept { return impl_->tables->longest; }

}  // namespace vaultx::exec
