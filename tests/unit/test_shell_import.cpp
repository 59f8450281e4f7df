// vaultx import's plan and apply steps against a real store: conflicts,
// the 1 MiB limit before any write, and the rollback when a write fails
// halfway (here: a secret created by someone else between plan and apply).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <vaultx/shell/import.hpp>
#include <vaultx/store/store.hpp>

#include "store_helpers.hpp"
#include "vectors.hpp"

using namespace vaultx;
using test::secret;
using test::TempDir;
using test::kCheapKdf;
using test::stored_value;

namespace {

struct Fixture {
  TempDir tmp;
  std::filesystem::path root = tmp.path() / "store";
  secure::SecretBytes passphrase = secret("pass phrase");
  Fixture() { REQUIRE(store::Store::create(root, passphrase, kCheapKdf)); }
  [[nodiscard]] store::Vault unlock() const {
    auto s = store::Store::open(root);
    REQUIRE(s);
    auto v = s->unlock_with_passphrase(passphrase);
    REQUIRE(v);
    return std::move(*v);
  }
};

std::vector<shell::ImportItem> items(std::initializer_list<std::pair<std::string, std::string>> entries) {
  std::vector<shell::ImportItem> out;
  for (const auto& [name, value] : entries) out.push_back({name, secret(value), "t.env:1"});
  return out;
}

}  // namespace

TEST_CASE("import plan: create, unchanged, conflict, update", "[shell][import]") {
  Fixture f;
  auto vault = f.unlock();
  REQUIRE(vault.put("SAME", secret("s"), {}));
  REQUIRE(vault.put("OTHER", secret("old"), {}));
  auto plan = shell::plan_import(vault, items({{"NEW", "n"}, {"SAME", "s"}, {"OTHER", "new"}}), false);
  REQUIRE(plan);
  CHECK((*plan)[0].action == shell::ImportAction::create);
  CHECK((*plan)[1].action == shell::ImportAction::unchanged);
  CHECK((*plan)[2].action == shell::ImportAction::conflict);
  CHECK_FALSE(shell::refuse_conflicts(*plan).ok());
  auto overwrite = shell::plan_import(vault, items({{"OTHER", "new"}}), true);
  REQUIRE(overwrite);
  CHECK((*overwrite)[0].action == shell::ImportAction::update);
  CHECK((*overwrite)[0].previous.view() == "old");
}

TEST_CASE("import plan: a value over 1 MiB stops the plan, naming its origin", "[shell][import]") {
  Fixture f;
  auto vault = f.unlock();
  std::vector<shell::ImportItem> big;
  big.push_back({"A", secret("a"), "t.env:1"});
  big.push_back({"B", secret(std::string(1024 * 1024 + 1, 'x')), "t.env:2"});
  auto plan = shell::plan_import(vault, std::move(big), false);
  REQUIRE_FALSE(plan);
  CHECK(plan.error().message.starts_with("t.env:2: "));
}

TEST_CASE("import apply: a failing write rolls back what was written", "[shell][import]") {
  Fixture f;
  auto vault = f.unlock();
  REQUIRE(vault.put("UPDATED", secret("before"), {}));
  auto plan = shell::plan_import(vault, items({{"UPDATED", "after"}, {"CREATED", "c"}, {"RACE", "mine"}}), true);
  REQUIRE(plan);
  REQUIRE(vault.put("RACE", secret("someone else's"), {}));  // between plan and apply
  std::vector<std::string> written;
  auto applied = shell::apply_import(vault, *plan, written);
  REQUIRE_FALSE(applied);
  CHECK(applied.error().code == Errc::exists);
  CHECK(applied.error().message.find("rolled back") != std::string::npos);
  CHECK(written.empty());
  CHECK_FALSE(vault.contains("CREATED"));
  CHECK(stored_value(vault, "UPDATED") == "before");
  CHECK(stored_value(vault, "RACE") == "someone else's");
}

TEST_CASE("import apply: writes everything and lists it", "[shell][import]") {
  Fixture f;
  auto vault = f.unlock();
  REQUIRE(vault.put("SAME", secret("s"), {}));
  auto plan = shell::plan_import(vault, items({{"A", "1"}, {"SAME", "s"}, {"B/c", "2"}}), false);
  REQUIRE(plan);
  std::vector<std::string> written;
  REQUIRE(shell::apply_import(vault, *plan, written));
  CHECK(written == std::vector<std::string>{"A", "B/c"});
  CHECK(stored_value(vault, "B/c") == "2");
}
