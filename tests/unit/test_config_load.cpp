#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <unistd.h>

#include <vaultx/config/config.hpp>

#include "helpers.hpp"

namespace fs = std::filesystem;
using vaultx::Errc;
using vaultx::config::load_config;

using vaultx::test::TempDir;
using vaultx::test::write_text;

TEST_CASE("load_config: a missing file is an empty config", "[config]") {
  TempDir dir;
  const auto r = load_config(dir.path() / "vaultx.toml");
  REQUIRE(r.ok());
  CHECK(r->scopes.empty());
  CHECK_FALSE(r->file_exists);
  CHECK(r->source == (dir.path() / "vaultx.toml").string());
}

TEST_CASE("load_config: reads and parses, naming the path in errors", "[config]") {
  TempDir dir;
  write_text(dir.path() / "vaultx.toml", "[scopes.a]\nsecrets = [\"x\"]\n");
  auto r = load_config(dir.path() / "vaultx.toml");
  REQUIRE(r.ok());
  CHECK(r->file_exists);
  CHECK(r->scopes.count("a") == 1);

  write_text(dir.path() / "vaultx.toml", "[scopes.a]\nsecret = [\"x\"]\n");
  r = load_config(dir.path() / "vaultx.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::usage);
  CHECK(r.error().message.rfind((dir.path() / "vaultx.toml").string() + ":2:1: ", 0) == 0);

  write_text(dir.path() / "vaultx.toml", "# \xe2\xb7\xb7\x04");
  r = load_config(dir.path() / "vaultx.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.rfind((dir.path() / "vaultx.toml").string() + ":1:3: byte 0xe2", 0) == 0);
}

TEST_CASE("load_config: a file over 1 MiB is refused", "[config]") {
  TempDir dir;
  write_text(dir.path() / "vaultx.toml", std::string(vaultx::config::kMaxConfigBytes + 1, '\n'));
  const auto r = load_config(dir.path() / "vaultx.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::usage);
  CHECK(r.error().message.find("more than the limit") != std::string::npos);
  write_text(dir.path() / "ok.toml", std::string(vaultx::config::kMaxConfigBytes, '\n'));
  CHECK(load_config(dir.path() / "ok.toml").ok());
}

TEST_CASE("load_config: a symlink or a directory is not read", "[config]") {
  TempDir dir;
  write_text(dir.path() / "real.toml", "");
  fs::create_symlink(dir.path() / "real.toml", dir.path() / "vaultx.toml");
  auto r = load_config(dir.path() / "vaultx.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::integrity);
  fs::create_directory(dir.path() / "d.toml");
  r = load_config(dir.path() / "d.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::integrity);
}
