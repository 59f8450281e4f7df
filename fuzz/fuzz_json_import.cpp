// libFuzzer target: arbitrary bytes as a JSON file for `vaultx import`.
// Beyond "no crash, no undefined behaviour": errors are usage errors naming
// the source; the lenient walker (doctor's lockfile reader) accepts whatever
// the strict import accepts; and each imported value, written back as a JSON
// string, parses to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <vaultx/format/json.hpp>
#include <vaultx/format/json_import.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto entries = vaultx::format::parse_json_import(text, "fuzz.json");
  std::size_t leaves = 0;
  const vaultx::format::JsonVisitor count = [&](const vaultx::format::JsonLeaf&) -> vaultx::Status {
    ++leaves;
    return {};
  };
  const auto lenient = vaultx::format::walk_json(text, "fuzz.json", {.allow_arrays = true, .allow_scalars = true},
                                                 count);
  if (!entries.ok()) {
    if (entries.error().code != vaultx::Errc::usage) std::abort();
    if (!entries.error().message.starts_with("fuzz.json:")) std::abort();
    return 0;
  }
  if (!lenient.ok() || leaves != entries->size()) std::abort();
  for (const auto& e : *entries) {
    if (!vaultx::format::is_valid_utf8(e.value.view())) std::abort();
    std::string doc = "{\"k\": ";
    vaultx::format::append_json_string(doc, e.value.view());
    doc += "}";
    const auto again = vaultx::format::parse_json_import(doc, "again.json");
    if (!again.ok() || again->size() != 1 || !(*again)[0].value.equals(e.value)) std::abort();
  }
  return 0;
}
