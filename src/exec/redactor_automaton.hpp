// The redactor's matching machinery (private to src/exec/redactor.cpp): an
// Aho-Corasick automaton over all forms and a 4-gram filter that lets the
// scanner skip most of the stream without stepping the automaton.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <vaultx/crypto/bytes.hpp>

#include "redactor_forms.hpp"
#include "redactor_storage.hpp"

namespace vaultx::exec::detail {

inline constexpr std::uint32_t kRoot = 0;
inline constexpr std::uint32_t kNoName = std::numeric_limits<std::uint32_t>::max();

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

}  // namespace vaultx::exec::detail
