#include <vaultx/format/pins.hpp>

#include <algorithm>

#include <vaultx/format/encoding.hpp>
#include <vaultx/format/fields.hpp>

namespace vaultx::format {

namespace {
constexpr std::string_view kPinsMagic = "vaultx-pins 1";
constexpr std::size_t kMaxPathBytes = 4096;

bool pin_less(const CommandPin& a, const CommandPin& b) {
  return a.scope != b.scope ? a.scope < b.scope : a.path < b.path;
}

bool is_scope_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

Result<CommandPin> parse_pin(FieldReader& r) {
  VAULTX_ASSIGN(auto value, r.expect("pin"));
  const auto first = value.find(' ');
  const auto second = first == std::string_view::npos ? first : value.find(' ', first + 1);
  if (second == std::string_view::npos) return r.error("a pin needs a scope, a digest and a path");
  CommandPin pin;
  pin.scope = std::string(value.substr(0, first));
  if (pin.scope.empty() || !std::all_of(pin.scope.begin(), pin.scope.end(), is_scope_char)) {
    return r.error("invalid scope name in pin");
  }
  const auto digest = hex_decode(value.substr(first + 1, second - first - 1));
  if (!digest || digest->size() != pin.digest.size()) return r.error("pin digest is not 64 hex digits");
  std::copy(digest->begin(), digest->end(), pin.digest.begin());
  const auto path = base64_decode(value.substr(second + 1));
  if (!path || path->empty() || path->size() > kMaxPathBytes || (*path)[0] != '/' ||
      std::find(path->begin(), path->end(), 0) != path->end()) {
    return r.error("pin path is not base64 of an absolute path");
  }
  pin.path.assign(path->begin(), path->end());
  return pin;
}
}  // namespace

std::string encode_pins(std::vector<CommandPin> pins) {
  std::sort(pins.begin(), pins.end(), pin_less);
  FieldWriter w(kPinsMagic);
  for (const auto& p : pins) {
    w.field("pin", p.scope + " " + hex_encode(p.digest) + " " + base64_encode(as_bytes(p.path)));
  }
  return w.take();
}

Result<std::vector<CommandPin>> decode_pins(std::string_view text) {
  FieldReader r(text);
  VAULTX_TRY(r.expect_line(kPinsMagic));
  std::vector<CommandPin> pins;
  while (r.next_is("pin")) {
    VAULTX_ASSIGN(auto pin, parse_pin(r));
    if (!pins.empty() && !pin_less(pins.back(), pin)) return r.error("pins out of order or repeated");
    pins.push_back(std::move(pin));
  }
  VAULTX_TRY(r.expect_end());
  return pins;
}

}  // namespace vaultx::format
