#include <vaultx/config/config.hpp>

#include <system_error>

#include <vaultx/store/fs.hpp>

namespace vaultx::config {

Result<Config> load_config(const std::filesystem::path& path) {
  // Said as a usage error (the file is for people to edit), before
  // read_file refuses it as an integrity error.
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(path, ec);
  if (!ec && std::filesystem::is_regular_file(status)) {
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > kMaxConfigBytes) {
      return Error(Errc::usage,
                   path.string() + ": " + std::to_string(size) + " bytes is more than the limit of " +
                       std::to_string(kMaxConfigBytes),
                   "a vaultx.toml holds scopes and policy; keep it under 1 MiB");
    }
  }
  auto text = store::read_file(path, kMaxConfigBytes);
  if (!text) {
    if (text.error().code != Errc::not_found) return std::move(text).error();
    Config empty;
    empty.source = path.string();
    empty.file_exists = false;
    return empty;
  }
  return parse_config(*text, path.string());
}

}  // namespace vaultx::config
