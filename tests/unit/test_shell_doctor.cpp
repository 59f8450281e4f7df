#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <sys/stat.h>

#include <vaultx/shell/doctor.hpp>

#include "helpers.hpp"

using namespace vaultx::shell;
using vaultx::test::TempDir;
using vaultx::test::write_text;
using Findings = std::vector<std::string>;

TEST_CASE("requirements: an exact pin and a hash pass", "[shell][doctor]") {
  CHECK(unpinned_requirements("requests==2.31.0 --hash=sha256:abc\n", "r.txt").empty());
  CHECK(unpinned_requirements("# comment\n\n-r base.txt\n--index-url https://x\n", "r.txt").empty());
  CHECK(unpinned_requirements("requests[socks]==2.31.0 ; python_version > '3' \\\n    --hash=sha256:abc \\\n"
                              "    --hash=sha256:def\n",
                              "r.txt")
            .empty());
  CHECK(unpinned_requirements("https://example.org/pkg.tar.gz --hash=sha256:abc\n", "r.txt").empty());
}

TEST_CASE("requirements: ranges, wildcards, missing hashes and editables are reported", "[shell][doctor]") {
  CHECK(unpinned_requirements("requests>=2\n", "r.txt") ==
        Findings{"r.txt:1: 'requests' is not pinned to one version with ==", "r.txt:1: 'requests' has no --hash"});
  CHECK(unpinned_requirements("a==1.0 --hash=sha256:x\nb==1.* --hash=sha256:y\n", "r.txt") ==
        Findings{"r.txt:2: 'b' is not pinned to one version with =="});
  CHECK(unpinned_requirements("flask==3.0.0  # pinned\n", "r.txt") == Findings{"r.txt:1: 'flask' has no --hash"});
  CHECK(unpinned_requirements("x==1,>=0 --hash=sha256:a\n", "r.txt") ==
        Findings{"r.txt:1: 'x' is not pinned to one version with =="});
  CHECK(unpinned_requirements("-e git+https://example.org/x.git\n", "r.txt") ==
        Findings{"r.txt:1: an editable requirement cannot be pinned by hash"});
  // A hash on a continuation line belongs to the requirement of the first line.
  CHECK(unpinned_requirements("\n\nz==2 \\\n  --hash=sha256:a\nq\n", "r.txt") ==
        Findings{"r.txt:5: 'q' is not pinned to one version with ==", "r.txt:5: 'q' has no --hash"});
}

TEST_CASE("package-lock: entries resolved from a registry need an integrity hash", "[shell][doctor]") {
  const std::string lock = R"({
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": {"dependencies": {"left-pad": "1.3.0"}},
    "node_modules/left-pad": {
      "version": "1.3.0",
      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
      "integrity": "sha512-abc"
    },
    "node_modules/evil": {
      "version": "6.6.6",
      "resolved": "https://registry.example.com/evil/-/evil-6.6.6.tgz"
    },
    "node_modules/local": {"resolved": "file:../local", "link": true}
  }
})";
  CHECK(npm_lock_entries_without_integrity(lock, "package-lock.json") ==
        Findings{"package-lock.json:11: 'node_modules/evil' is resolved from https://registry.example.com without an "
                 "integrity hash"});
}

TEST_CASE("package.json: dependencies are declared only by a non-empty dependency object", "[shell][doctor]") {
  CHECK(package_json_declares_dependencies(R"({"name": "a", "dependencies": {"x": "^1"}})"));
  CHECK(package_json_declares_dependencies(R"({"devDependencies": {"jest": "29"}, "scripts": {"t": "jest"}})"));
  CHECK_FALSE(package_json_declares_dependencies(R"({"name": "a", "dependencies": {}})"));
  CHECK_FALSE(package_json_declares_dependencies(R"({"name": "a", "config": {"dependencies": {"x": "1"}}})"));
  CHECK_FALSE(package_json_declares_dependencies(R"({"description": "no \"dependencies\": {\"x\": 1} here"})"));
}

TEST_CASE("yarn.lock and Cargo.lock: entries without a hash are reported", "[shell][doctor]") {
  const std::string yarn =
      "# yarn lockfile v1\n\n"
      "left-pad@^1.3.0:\n  version \"1.3.0\"\n  resolved \"https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz\"\n"
      "  integrity sha512-abc\n\n"
      "\"evil@^6\", evil@6.6.6:\n  version \"6.6.6\"\n  resolved \"https://registry.yarnpkg.com/evil/-/evil-6.6.6.tgz\"\n";
  CHECK(yarn_lock_entries_without_integrity(yarn, "yarn.lock") == Findings{"yarn.lock:8: 'evil@^6' has no integrity hash"});
  const std::string cargo =
      "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n"
      "[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
      "checksum = \"abc\"\n\n"
      "[[package]]\nname = \"evil\"\nversion = \"6.6.6\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
  CHECK(cargo_lock_entries_without_checksum(cargo, "Cargo.lock") ==
        Findings{"Cargo.lock:13: 'evil' from a registry has no checksum"});
}

TEST_CASE("manifest parsers take any bytes", "[shell][doctor]") {
  const std::vector<std::string> inputs = {
      std::string("\0\0\0", 3), "{{{{{{{{", "}}}}]]]", "\"", "{\"resolved\":", "[[package]]", "a:\n  resolved \"",
      std::string(100000, '{'), "\\\n\\\n\\", "{\"a\": \"\\", "==\n--hash\n-e", "\xff\xfe{\"resolved\": \"http://\xff\"}"};
  for (const auto& input : inputs) {
    CHECK_NOTHROW(unpinned_requirements(input, "f"));
    CHECK_NOTHROW(npm_lock_entries_without_integrity(input, "f"));
    CHECK_NOTHROW(yarn_lock_entries_without_integrity(input, "f"));
    CHECK_NOTHROW(cargo_lock_entries_without_checksum(input, "f"));
    CHECK_NOTHROW(package_json_declares_dependencies(input));
  }
  // Non-printable bytes of a name are not echoed to the terminal.
  const auto findings = npm_lock_entries_without_integrity("{\"x\\u001b\x1b\": {\"resolved\": \"https://h/\"}}", "f");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].find('\x1b') == std::string::npos);
}

TEST_CASE(".env files and their templates", "[shell][doctor]") {
  for (const char* name : {".env", ".env.local", ".env.production", "prod.env", "sub/dir/.env"}) {
    CHECK(is_env_file(name));
  }
  for (const char* name : {".env.example", ".env.sample", ".env.template", ".env.dist", "env.txt", ".envrc", "dotenv"}) {
    CHECK_FALSE(is_env_file(name));
  }
}

TEST_CASE("permission problems: group or other bits anywhere under the root", "[shell][doctor]") {
  TempDir dir;
  const auto root = dir.path() / "store";
  fs::create_directories(root / "secrets");
  write_text(root / "secrets" / "a.secret", "x");
  ::chmod(root.c_str(), 0700);
  ::chmod((root / "secrets").c_str(), 0700);
  ::chmod((root / "secrets" / "a.secret").c_str(), 0600);
  CHECK(permission_problems(root).empty());
  ::chmod((root / "secrets" / "a.secret").c_str(), 0644);
  CHECK(permission_problems(root) == Findings{(root / "secrets" / "a.secret").string() + ": mode 0644, open to group or others"});
  CHECK(permission_problems(dir.path() / "missing").empty());
}
