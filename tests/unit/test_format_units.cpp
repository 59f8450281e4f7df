// Sizes, durations and decimals typed by users: strict, no overflow.
#include <catch2/catch.hpp>

#include <vaultx/format/units.hpp>

using namespace vaultx::format;

TEST_CASE("parse_decimal", "[format][units]") {
  CHECK(parse_decimal("0") == 0U);
  CHECK(parse_decimal("7") == 7U);
  CHECK(parse_decimal("1234567890") == 1234567890U);
  CHECK(parse_decimal("18446744073709551615") == 18446744073709551615ULL);  // UINT64_MAX
  CHECK_FALSE(parse_decimal("18446744073709551616"));                        // UINT64_MAX + 1
  CHECK_FALSE(parse_decimal("18446744073709551620"));
  CHECK_FALSE(parse_decimal("99999999999999999999"));
  CHECK_FALSE(parse_decimal("100000000000000000000"));  // 21 digits
  const char* const bad[] = {"", "00", "01", "007", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "１", "a"};
  for (const char* b : bad) {
    INFO(b);
    CHECK_FALSE(parse_decimal(b));
  }
}

TEST_CASE("parse_size_kib", "[format][units]") {
  CHECK(parse_size_kib("64M") == 65536U);
  CHECK(parse_size_kib("64m") == 65536U);
  CHECK(parse_size_kib("8M") == 8192U);
  CHECK(parse_size_kib("8192") == 8192U);  // bare number: KiB
  CHECK(parse_size_kib("8192K") == 8192U);
  CHECK(parse_size_kib("8192k") == 8192U);
  CHECK(parse_size_kib("1G") == 1048576U);
  CHECK(parse_size_kib("4G") == 4194304U);
  CHECK(parse_size_kib("0") == 0U);  // the KDF bounds, not the parser, refuse it
  CHECK(parse_size_kib("4294967295") == 4294967295U);
  CHECK(parse_size_kib("4194303M") == 4294966272U);
  CHECK(parse_size_kib("4095G") == 4293918720U);
  CHECK_FALSE(parse_size_kib("4294967296"));
  CHECK_FALSE(parse_size_kib("4194304M"));
  CHECK_FALSE(parse_size_kib("4096G"));
  CHECK_FALSE(parse_size_kib("18446744073709551615G"));
  const char* const bad[] = {"", "M", "G", "K", "64MB", "64MiB", "64 M", " 64M", "-1M", "+1M",
                             "1.5G", "064M", "64T", "64b", "MM", "1MM"};
  for (const char* b : bad) {
    INFO(b);
    CHECK_FALSE(parse_size_kib(b));
  }
}

TEST_CASE("parse_duration", "[format][units]") {
  CHECK(parse_duration("45s") == 45);
  CHECK(parse_duration("30m") == 1800);
  CHECK(parse_duration("12h") == 43200);
  CHECK(parse_duration("90d") == 90 * 86400);
  CHECK(parse_duration("0s") == 0);
  CHECK(parse_duration("0d") == 0);
  CHECK(parse_duration("9223372036854775807s") == 9223372036854775807LL);
  CHECK(parse_duration("106751991167300d") == 106751991167300LL * 86400);
  CHECK_FALSE(parse_duration("9223372036854775808s"));
  CHECK_FALSE(parse_duration("106751991167301d"));
  CHECK_FALSE(parse_duration("2562047788015216h"));
  CHECK_FALSE(parse_duration("18446744073709551615s"));
  const char* const bad[] = {"", "d", "s", "90", "90D", "90 d", " 90d", "-1d", "+1d", "1.5h", "1w",
                             "1y", "1ms", "1h30m", "090d", "1dd", "d1"};
  for (const char* b : bad) {
    INFO(b);
    CHECK_FALSE(parse_duration(b));
  }
}
