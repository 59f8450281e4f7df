#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include <vaultx/audit/trail.hpp>
#include <vaultx/format/encoding.hpp>

using namespace vaultx;
using audit::AuditEvent;
using audit::AuditTrail;
using audit::Problem;
using format::AuditRecord;

namespace {

namespace fs = std::filesystem;

// A fresh directory under /tmp, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "vaultx-audit-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

format::StoreId store_id(std::uint8_t fill = 7) {
  format::StoreId id{};
  id.fill(fill);
  return id;
}

secure::SecretBytes key(std::uint8_t fill = 0x42) {
  secure::SecretBytes k(32);
  std::fill(k.data(), k.data() + k.size(), fill);
  return k;
}

AuditEvent event(std::string op, std::vector<std::string> names = {}) {
  AuditEvent e{.op = std::move(op), .names = std::move(names)};
  audit::stamp(e);
  return e;
}

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void write_lines(const fs::path& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& line : lines) out << line << '\n';
}

// A trail of `count` records, MAC'd with key() when `with_key`.
AuditTrail make_trail(const TempDir& dir, int count, bool with_key = true) {
  const auto trail = AuditTrail::for_store(dir.path(), store_id());
  const auto k = key();
  for (int i = 1; i <= count; ++i) {
    REQUIRE(trail.append(event("get", {"secret/" + std::to_string(i)}), with_key ? &k : nullptr));
  }
  return trail;
}

audit::VerifyReport verify(const AuditTrail& trail, bool with_key = true,
                           std::optional<format::AuditHead> head = std::nullopt) {
  const auto k = key();
  auto report = trail.verify(with_key ? &k : nullptr, head);
  REQUIRE(report);
  return *report;
}

// The report names `kind` at `line`, with `seq` when given.
void check_problem(const audit::VerifyReport& report, Problem kind, std::size_t line,
                   std::optional<std::uint64_t> seq = std::nullopt) {
  REQUIRE(report.problem);
  CHECK(report.problem->kind == kind);
  CHECK(report.problem->line == line);
  if (seq) CHECK(report.problem->seq == seq);
}

// Rewrites records from line `from` (1-based) on so that the chain holds, as
// someone without the key could: new chain hashes, MACs left as they were.
void rechain(const AuditTrail& trail, std::size_t from) {
  auto lines = read_lines(trail.path());
  format::AuditHash previous = format::audit_genesis(store_id());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto r = format::decode_audit_record(lines[i]);
    REQUIRE(r);
    if (i + 1 >= from) {
      r->chain = format::audit_chain_next(previous, format::encode_audit_body(*r));
      lines[i] = format::encode_audit_record(*r);
    }
    previous = r->chain;
  }
  write_lines(trail.path(), lines);
}

}  // namespace

TEST_CASE("AuditTrail appends chained, MAC'd records that verify", "[audit_trail]") {
  TempDir dir;
  const auto trail = make_trail(dir, 5);
  CHECK(trail.path() == dir.path() / "audit" / (format::hex_encode(store_id()) + ".log"));

  const auto records = trail.read_all();
  REQUIRE(records);
  REQUIRE(records->size() == 5);
  for (std::size_t i = 0; i < records->size(); ++i) {
    CHECK((*records)[i].seq == i + 1);
    CHECK((*records)[i].names == std::vector<std::string>{"secret/" + std::to_string(i + 1)});
    CHECK((*records)[i].mac);
    CHECK((*records)[i].pid == static_cast<std::uint32_t>(::getpid()));
  }
  const auto report = verify(trail);
  CHECK(report.intact());
  CHECK(report.records == 5);
  CHECK(report.macs_checked == 5);
  CHECK(report.unauthenticated_tail == 0);
  const auto head = trail.head();
  REQUIRE(head);
  CHECK(head->seq == 5);
  CHECK(head->hash == records->back().chain);
  CHECK(report.head == *head);
}

TEST_CASE("AuditTrail files are private", "[audit_trail]") {
  TempDir dir;
  const auto trail = make_trail(dir, 1);
  struct stat st {};
  REQUIRE(::stat(trail.path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(trail.path().parent_path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
}

TEST_CASE("An empty or absent trail has head 0:H_0", "[audit_trail]") {
  TempDir dir;
  const auto trail = AuditTrail::for_store(dir.path(), store_id());
  const auto head = trail.head();
  REQUIRE(head);
  CHECK(*head == format::AuditHead{0, format::audit_genesis(store_id())});
  const auto records = trail.read_all();
  REQUIRE(records);
  CHECK(records->empty());
  CHECK(verify(trail, true, *head).intact());
  CHECK_FALSE(verify(trail, true, format::AuditHead{0, format::audit_genesis(store_id(9))}).intact());
}

TEST_CASE("Records without the key carry no MAC and are counted as the unauthenticated tail", "[audit_trail]") {
  TempDir dir;
  const auto trail = make_trail(dir, 2);
  REQUIRE(trail.append(event("get"), nullptr));
  const auto records = trail.read_all();
  REQUIRE(records);
  CHECK_FALSE(records->back().mac);
  const auto report = verify(trail);
  CHECK(report.intact());
  CHECK(report.macs_checked == 2);
  CHECK(report.unauthenticated_tail == 1);
}

TEST_CASE("verify names the first edited, deleted, inserted or swapped record", "[audit_trail]") {
  TempDir dir;
  const auto trail = make_trail(dir, 5);
  const auto original = read_lines(trail.path());
  auto lines = original;

  SECTION("edited") {
    const auto pos = lines[2].find("secret/3");
    lines[2].replace(pos, 8, "secret/9");
    write_lines(trail.path(), lines);
    const auto report = verify(trail);
    check_problem(report, Problem::chain_broken, 3, 3);
    CHECK(report.records == 2);
  }
  SECTION("deleted") {
    lines.erase(lines.begin() + 1);
    write_lines(trail.path(), lines);
    check_problem(verify(trail), Problem::chain_broken, 2, 3);
  }
  SECTION("inserted") {
    lines.insert(lines.begin() + 2, lines[1]);
    write_lines(trail.path(), lines);
    check_problem(verify(trail), Problem::chain_broken, 3);
  }
  SECTION("swapped") {
    std::swap(lines[1], lines[2]);
    write_lines(trail.path(), lines);
    check_problem(verify(trail), Problem::chain_broken, 2, 3);
  }
  SECTION("not a record") {
    lines[3] = "garbage";
    write_lines(trail.path(), lines);
    check_problem(verify(trail), Problem::malformed, 4);
    CHECK_FALSE(trail.read_all());
  }
}

TEST_CASE("An edit re-chained without the key fails the first MAC from there on", "[audit_trail]") {
  TempDir dir;
  const auto trail = make_trail(dir, 5);
  auto lines = read_lines(trail.path());
  lines[1].replace(lines[1].find("secret/2"), 8, "secret/X");
  write_lines(trail.path(), lines);
  rechain(trail, 2);

  CHECK(verify(trail, false).intact());  // the chain alone cannot tell
  check_problem(verify(trail), Problem::bad_mac, 2);
}

TEST_CASE("Records after the last MAC can be rewritten; a head checkpoint catches it", "[audit_trail]") {
  TempDir dir;
  const auto trail = make_trail(dir, 2);
  REQUIRE(trail.append(event("get", {"x"}), nullptr));
  REQUIRE(trail.append(event("get", {"y"}), nullptr));
  const auto checkpoint = trail.head();
  REQUIRE(checkpoint);

  auto lines = read_lines(trail.path());
  lines[2].replace(lines[2].find("names=x"), 7, "names=z");
  write_lines(trail.path(), lines);
  rechain(trail, 3);

  CHECK(verify(trail).intact());  // the documented limit
  check_problem(verify(trail, true, *checkpoint), Problem::head_mismatch, 4, 4);
}

TEST_CASE("verify with a head catches truncation and a wrong hash", "[audit_trail]") {
  TempDir dir;
  const auto trail = make_trail(dir, 5);
  const auto head = trail.head();
  REQUIRE(head);
  CHECK(verify(trail, true, *head).head_checked);

  SECTION("truncated") {
    auto lines = read_lines(trail.path());
    lines.resize(3);
    write_lines(trail.path(), lines);
    CHECK(verify(trail).intact());  // losing the newest records is invisible without a checkpoint
    check_problem(verify(trail, true, *head), Problem::truncated, 4, 5);
  }
  SECTION("bad hash") {
    auto wrong = *head;
    wrong.hash[0] ^= 1;
    check_problem(verify(trail, true, wrong), Problem::head_mismatch, 5);
  }
  SECTION("an older head still matches after more appends") {
    const auto k = key();
    REQUIRE(trail.append(event("set", {"more"}), &k));
    const auto report = verify(trail, true, *head);
    CHECK(report.intact());
    CHECK(report.head_checked);
  }
}

TEST_CASE("verify with another key fails the first MAC", "[audit_trail]") {
  TempDir dir;
  const auto trail = make_trail(dir, 3);
  const auto other = key(0x43);
  const auto report = trail.verify(&other, std::nullopt);
  REQUIRE(report);
  check_problem(*report, Problem::bad_mac, 1);
}

TEST_CASE("A trail of another store does not verify", "[audit_trail]") {
  TempDir dir;
  const auto trail = make_trail(dir, 2);
  const auto other = AuditTrail::for_store(dir.path(), store_id(9));
  fs::copy_file(trail.path(), other.path());
  check_problem(verify(other), Problem::chain_broken, 1);
}

TEST_CASE("verify reports a seq gap in an intact chain", "[audit_trail]") {
  TempDir dir;
  const auto trail = make_trail(dir, 3, false);
  auto lines = read_lines(trail.path());
  auto r = format::decode_audit_record(lines[2]);
  REQUIRE(r);
  r->seq = 7;
  lines[2] = format::encode_audit_record(*r);
  write_lines(trail.path(), lines);
  rechain(trail, 3);
  check_problem(verify(trail), Problem::seq_gap, 3, 7);
}

TEST_CASE("A torn last line is reported and stops appends", "[audit_trail]") {
  TempDir dir;
  const auto trail = make_trail(dir, 2);
  {
    std::ofstream out(trail.path(), std::ios::app);
    out << "v1 seq=3 time=";
  }
  check_problem(verify(trail), Problem::malformed, 3);
  const auto k = key();
  const auto appended = trail.append(event("get"), &k);
  REQUIRE_FALSE(appended);
  CHECK(appended.error().code == Errc::integrity);
}

TEST_CASE("append finds the last record behind a line longer than its read chunk", "[audit_trail]") {
  TempDir dir;
  const auto trail = make_trail(dir, 1);
  const auto k = key();
  std::vector<std::string> many;
  for (int i = 0; i < 2000; ++i) many.push_back("long/name/" + std::to_string(i));
  REQUIRE(trail.append(event("rm", many), &k));
  REQUIRE(trail.append(event("get"), &k));
  const auto report = verify(trail);
  CHECK(report.intact());
  CHECK(report.records == 3);
}

TEST_CASE("append makes untrusted text UTF-8 and drops empty list items", "[audit_trail]") {
  TempDir dir;
  const auto trail = AuditTrail::for_store(dir.path(), store_id());
  AuditEvent e{.op = "exec", .scopes = {"agent-a", ""}, .names = {"", "k"}, .command = "./a\xff", .status = 3};
  audit::stamp(e);
  const auto record = trail.append(e, nullptr);
  REQUIRE(record);
  CHECK(record->command == "./a\xef\xbf\xbd");
  CHECK(record->scopes == std::vector<std::string>{"agent-a"});
  CHECK(record->names == std::vector<std::string>{"k"});
  CHECK(record->status == 3);
  AuditEvent bad{.op = "Not An Op"};
  const auto refused = trail.append(bad, nullptr);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::usage);
}

TEST_CASE("Concurrent appends from 4 threads all verify", "[audit_trail]") {
  TempDir dir;
  const auto trail = AuditTrail::for_store(dir.path(), store_id());
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const auto k = key();
      for (int i = 0; i < kEach; ++i) {
        if (!trail.append(event("get", {"t" + std::to_string(t)}), i % 3 == 0 ? nullptr : &k)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  const auto report = verify(trail);
  CHECK(report.intact());
  CHECK(report.records == kThreads * kEach);
}

TEST_CASE("Concurrent appends from 4 processes all verify", "[audit_trail]") {
  TempDir dir;
  const auto trail = AuditTrail::for_store(dir.path(), store_id());
  constexpr int kProcesses = 4;
  constexpr int kEach = 25;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      const auto k = key();
      int status = 0;
      for (int i = 0; i < kEach; ++i) {
        if (!trail.append(event("get", {"p" + std::to_string(p)}), &k)) status = 1;
      }
      ::_exit(status);
    }
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  const auto report = verify(trail);
  CHECK(report.intact());
  CHECK(report.records == kProcesses * kEach);
  CHECK(report.macs_checked == kProcesses * kEach);
}
