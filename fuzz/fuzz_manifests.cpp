// libFuzzer target: arbitrary bytes as the dependency manifests `vaultx
// doctor` reads from a repository (requirements*.txt, package.json,
// package-lock.json, yarn.lock, Cargo.lock). Beyond "no crash, no undefined
// behaviour": every finding names the file and a line inside it, and holds
// only printable ASCII (file content is echoed to a terminal).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <vaultx/shell/doctor.hpp>

namespace {

void check_findings(const std::vector<std::string>& findings, std::string_view text) {
  std::size_t lines = 1;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  for (const auto& finding : findings) {
    if (!finding.starts_with("f:")) std::abort();
    const std::size_t line = std::strtoull(finding.c_str() + 2, nullptr, 10);
    if (line < 1 || line > lines) std::abort();
    for (char c : finding) {
      if (c < 0x20 || c > 0x7e) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_findings(vaultx::shell::unpinned_requirements(text, "f"), text);
  check_findings(vaultx::shell::npm_lock_entries_without_integrity(text, "f"), text);
  check_findings(vaultx::shell::yarn_lock_entries_without_integrity(text, "f"), text);
  check_findings(vaultx::shell::cargo_lock_entries_without_checksum(text, "f"), text);
  (void)vaultx::shell::package_json_declares_dependencies(text);
  return 0;
}
