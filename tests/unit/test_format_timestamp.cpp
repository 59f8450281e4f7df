// RFC 3339 times: the strict on-disk form and what users type.
#include <catch2/catch.hpp>

#include <vaultx/format/timestamp.hpp>

using namespace vaultx::format;

TEST_CASE("format_rfc3339", "[format][time]") {
  CHECK(format_rfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339(1) == "1970-01-01T00:00:01Z");
  CHECK(format_rfc3339(951782400) == "2000-02-29T00:00:00Z");
  CHECK(format_rfc3339(1704164645) == "2024-01-02T03:04:05Z");
  CHECK(format_rfc3339(1709251199) == "2024-02-29T23:59:59Z");
  CHECK(format_rfc3339(253402300799) == "9999-12-31T23:59:59Z");
}

TEST_CASE("parse_rfc3339_strict accepts exactly YYYY-MM-DDTHH:MM:SSZ", "[format][time]") {
  CHECK(parse_rfc3339_strict("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339_strict("2024-01-02T03:04:05Z") == 1704164645);
  CHECK(parse_rfc3339_strict("2024-02-29T23:59:59Z") == 1709251199);  // leap day
  CHECK(parse_rfc3339_strict("2000-02-29T00:00:00Z") == 951782400);   // divisible by 400
  CHECK(parse_rfc3339_strict("9999-12-31T23:59:59Z") == 253402300799);
  for (std::int64_t t : {0LL, 59LL, 86399LL, 86400LL, 1700000000LL, 4102444800LL, 253402300799LL}) {
    CHECK(parse_rfc3339_strict(format_rfc3339(t)) == t);
  }
  const char* const bad[] = {
      "2023-02-29T00:00:00Z",       // not a leap year
      "2100-02-29T00:00:00Z",       // divisible by 100, not 400
      "2024-02-30T00:00:00Z",       //
      "2024-04-31T00:00:00Z",       // April has 30 days
      "2024-01-32T00:00:00Z",       //
      "2024-01-00T00:00:00Z",       //
      "2024-00-01T00:00:00Z",       // month 0
      "2024-13-01T00:00:00Z",       // month 13
      "1969-12-31T23:59:59Z",       // before 1970
      "0000-01-01T00:00:00Z",       //
      "2024-01-01T24:00:00Z",       // hour 24
      "2024-01-01T23:60:00Z",       //
      "2024-01-01T23:59:60Z",       // leap seconds are not written
      "2024-01-01t00:00:00Z",       // lower-case t
      "2024-01-01T00:00:00z",       // lower-case z
      "2024-01-01 00:00:00Z",       // space
      "2024-01-01T00:00:00+00:00",  // offset
      "2024-01-01T00:00:00.0Z",     // fraction
      "2024-01-01T00:00:00",        // no zone
      "2024-01-01",                 // date only
      "2024-1-01T00:00:00Z",        //
      "2024-01-01T0:00:00Z",        //
      "+2024-01-01T00:00:00Z",      //
      "2024-01-01T00:00:00Z ",      //
      " 2024-01-01T00:00:00Z",      //
      "2024-01-01T00:00:00Z\n",     //
      "2024/01/01T00:00:00Z",       //
      "2024-01-01T00-00-00Z",       //
      "2O24-01-01T00:00:00Z",       // letter O
      "",
  };
  for (const char* b : bad) {
    INFO(b);
    CHECK_FALSE(parse_rfc3339_strict(b));
  }
}

TEST_CASE("parse_user_time: dates and date-times", "[format][time]") {
  CHECK(parse_user_time("2027-01-31") == parse_rfc3339_strict("2027-01-31T00:00:00Z"));
  CHECK(parse_user_time("1970-01-01") == 0);
  CHECK(parse_user_time("2027-01-31T12:00:00Z") == parse_rfc3339_strict("2027-01-31T12:00:00Z"));
  CHECK(parse_user_time("2027-01-31 12:00:00Z") == parse_rfc3339_strict("2027-01-31T12:00:00Z"));
  CHECK(parse_user_time("2027-01-31t12:00:00z") == parse_rfc3339_strict("2027-01-31T12:00:00Z"));
  CHECK(parse_user_time("2024-02-29") == parse_rfc3339_strict("2024-02-29T00:00:00Z"));
}

TEST_CASE("parse_user_time: offsets", "[format][time]") {
  const auto utc = *parse_rfc3339_strict("2027-01-31T12:00:00Z");
  CHECK(parse_user_time("2027-01-31T14:00:00+02:00") == utc);
  CHECK(parse_user_time("2027-01-31T06:30:00-05:30") == utc);
  CHECK(parse_user_time("2027-01-31T12:00:00+00:00") == utc);
  CHECK(parse_user_time("2027-01-31T12:00:00-00:00") == utc);
  CHECK(parse_user_time("2027-02-01T11:59:00+23:59") == utc);
  // An offset that crosses a day, month and year boundary.
  CHECK(parse_user_time("2026-12-31T23:00:00-01:00") == parse_rfc3339_strict("2027-01-01T00:00:00Z"));
  // Leap day reached through an offset.
  CHECK(parse_user_time("2024-03-01T01:00:00+02:00") == parse_rfc3339_strict("2024-02-29T23:00:00Z"));
}

TEST_CASE("parse_user_time: fractions are dropped", "[format][time]") {
  const auto utc = *parse_rfc3339_strict("2027-01-31T12:00:00Z");
  CHECK(parse_user_time("2027-01-31T12:00:00.5Z") == utc);
  CHECK(parse_user_time("2027-01-31T12:00:00.999999999Z") == utc);
  CHECK(parse_user_time("2027-01-31T14:00:00.25+02:00") == utc);
}

TEST_CASE("parse_user_time: rejects", "[format][time]") {
  const char* const bad[] = {
      "2027-01-31T12:00:00",        // RFC 3339 requires a zone
      "2027-01-31T12:00Z",          // seconds are required
      "2027-01-31T12:00:00.Z",      // empty fraction
      "2027-01-31T12:00:00.5",      // fraction without zone
      "2027-01-31T12:00:00+2:00",   //
      "2027-01-31T12:00:00+0200",   //
      "2027-01-31T12:00:00+02",     //
      "2027-01-31T12:00:00+24:00",  // offset hour out of range
      "2027-01-31T12:00:00+02:60",  // offset minute out of range
      "2027-01-31T12:00:00Zjunk",   //
      "2027-01-31T12:00:00+02:00x", //
      "2027-01-31x",                //
      "2027-01-31T",                //
      "2027-01-31_12:00:00Z",       //
      "2027-13-01",                 // invalid month
      "2027-00-01",                 //
      "2027-02-29",                 // not a leap year
      "2027-04-31",                 //
      "2027-01-32",                 //
      "1969-12-31",                 // before 1970
      "1969-12-31T23:00:00-02:00",  // local year before 1970, even though UTC is after
      "1970-01-01T00:30:00+01:00",  // before the epoch in UTC
      "10000-01-01",                //
      "27-01-31",                   //
      "2027/01/31",                 //
      "31.01.2027",                 //
      "now",                        //
      "",
  };
  for (const char* b : bad) {
    INFO(b);
    CHECK_FALSE(parse_user_time(b));
  }
}

TEST_CASE("format_age picks the largest unit", "[format][time]") {
  CHECK(format_age(-5) == "0s");
  CHECK(format_age(0) == "0s");
  CHECK(format_age(59) == "59s");
  CHECK(format_age(60) == "1m");
  CHECK(format_age(3599) == "59m");
  CHECK(format_age(3600) == "1h");
  CHECK(format_age(86399) == "23h");
  CHECK(format_age(86400) == "1d");
  CHECK(format_age(90 * 86400 + 5) == "90d");
}

TEST_CASE("now_utc is plausible", "[format][time]") {
  CHECK(now_utc() > *parse_rfc3339_strict("2024-01-01T00:00:00Z"));
}
