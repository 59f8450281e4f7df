#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <unistd.h>

#include <vaultx/config/config.hpp>

namespace fs = std::filesystem;
using vaultx::Errc;
using vaultx::config::load_config;

namespace {
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "vaultx-config-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
  }
};
}  // namespace

TEST_CASE("load_config: a missing file is an empty config", "[config]") {
  TempDir dir;
  const auto r = load_config(dir.path / "vaultx.toml");
  REQUIRE(r.ok());
  CHECK(r->scopes.empty());
  CHECK_FALSE(r->file_exists);
  CHECK(r->source == (dir.path / "vaultx.toml").string());
}

TEST_CASE("load_config: reads and parses, naming the path in errors", "[config]") {
  TempDir dir;
  dir.write("vaultx.toml", "[scopes.a]\nsecrets = [\"x\"]\n");
  auto r = load_config(dir.path / "vaultx.toml");
  REQUIRE(r.ok());
  CHECK(r->file_exists);
  CHECK(r->scopes.count("a") == 1);

  dir.write("vaultx.toml", "[scopes.a]\nsecret = [\"x\"]\n");
  r = load_config(dir.path / "vaultx.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::usage);
  CHECK(r.error().message.rfind((dir.path / "vaultx.toml").string() + ":2:1: ", 0) == 0);

  dir.write("vaultx.toml", "# \xe2\xb7\xb7\x04");
  r = load_config(dir.path / "vaultx.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.rfind((dir.path / "vaultx.toml").string() + ":1:3: byte 0xe2", 0) == 0);
}

TEST_CASE("load_config: a file over 1 MiB is refused", "[config]") {
  TempDir dir;
  dir.write("vaultx.toml", std::string(vaultx::config::kMaxConfigBytes + 1, '\n'));
  const auto r = load_config(dir.path / "vaultx.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::usage);
  CHECK(r.error().message.find("more than the limit") != std::string::npos);
  dir.write("ok.toml", std::string(vaultx::config::kMaxConfigBytes, '\n'));
  CHECK(load_config(dir.path / "ok.toml").ok());
}

TEST_CASE("load_config: a symlink or a directory is not read", "[config]") {
  TempDir dir;
  dir.write("real.toml", "");
  fs::create_symlink(dir.path / "real.toml", dir.path / "vaultx.toml");
  auto r = load_config(dir.path / "vaultx.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::integrity);
  fs::create_directory(dir.path / "d.toml");
  r = load_config(dir.path / "d.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::integrity);
}
