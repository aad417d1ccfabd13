// RFC 3339 instants and durations as the wire and the configuration spell them.
#include <gtest/gtest.h>

#include "common/time.hpp"

namespace rspf {
namespace {

using namespace std::chrono_literals;

TEST(Rfc3339, FixedInstants) {
  EXPECT_EQ(toRfc3339(fromUnix(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(toRfc3339(fromUnix(1'800'000'000)), "2027-01-15T08:00:00Z");
  EXPECT_EQ(toRfc3339(fromUnix(1'709'251'199)), "2024-02-29T23:59:59Z");
  auto t = parseRfc3339("2026-12-28T00:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(toUnix(*t), 1'798'416'000);
  auto leap = parseRfc3339("2024-02-29T23:59:59Z");
  ASSERT_TRUE(leap);
  EXPECT_EQ(toUnix(*leap), 1'709'251'199);
}

TEST(Rfc3339, RoundTrip) {
  for (std::int64_t s :
       {std::int64_t{0}, std::int64_t{1'709'251'199}, std::int64_t{1'798'416'000}, std::int64_t{4'102'444'799}}) {
    auto text = toRfc3339(fromUnix(s));
    auto back = parseRfc3339(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(toUnix(*back), s) << text;
  }
  auto n = now();
  EXPECT_EQ(parseRfc3339(toRfc3339(n)), n);
}

TEST(Rfc3339, RejectsMalformed) {
  const char* malformed[] = {
      "2026-13-01T00:00:00Z",  // month 13
      "2026-00-01T00:00:00Z",  // month 0
      "2026-02-30T00:00:00Z",  // no such day
      "2026-01-32T00:00:00Z",
      "2026-01-01 00:00:00Z",       // space instead of T
      "2026-01-01T24:00:00Z",       // hour 24
      "2026-01-01T00:60:00Z",       // minute 60
      "2026-01-01T00:00:00",        // no zone
      "2026-01-01T00:00:00+01:00",  // offsets are not accepted
      "2026-01-01T00:00:00.5Z",     // fractions are not accepted
      "2026-1-01T00:00:00Z",       "abcd-01-01T00:00:00Z", "2026-01-01T0a:00:00Z", "",
  };
  for (const char* text : malformed) EXPECT_FALSE(parseRfc3339(text)) << text;
}

// Every numeric field is unsigned digits; a '-' in a two- or four-digit field is malformed
// (std::from_chars alone would read "-1" as a negative number).
TEST(Rfc3339, RejectsSignedFields) {
  const char* malformed[] = {
      "2026-01-01T-1:00:00Z",  // negative hour: would mean 2025-12-31T23:00:00Z
      "2026-01-01T00:-1:00Z",  // negative minute
      "2026-01-01T00:00:-1Z",  // negative second
      "-026-01-01T00:00:00Z",  // negative year
  };
  for (const char* text : malformed) EXPECT_FALSE(parseRfc3339(text)) << text;
}

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(parseDuration("90s"), 90s);
  EXPECT_EQ(parseDuration("15m"), 900s);
  EXPECT_EQ(parseDuration("12h"), 43'200s);
  EXPECT_EQ(parseDuration("30d"), 2'592'000s);
  EXPECT_EQ(parseDuration("45"), 45s);
  EXPECT_EQ(parseDuration("0"), 0s);
}

TEST(Duration, RejectsMalformed) {
  const char* malformed[] = {
      "", "-1", "-1h", "1w", "abc", "s", "h", "1.5h", " 5", "5 ", "5hh", "+5", "99999999999999999999", "999999999999d"};
  for (const char* text : malformed) EXPECT_FALSE(parseDuration(text)) << text;
}

TEST(Duration, Formats) {
  EXPECT_EQ(formatDuration(90s), "90s");
  EXPECT_EQ(formatDuration(900s), "15m");
  EXPECT_EQ(formatDuration(43'200s), "12h");
  EXPECT_EQ(formatDuration(2'592'000s), "30d");
  EXPECT_EQ(formatDuration(86'400s), "1d");
  EXPECT_EQ(formatDuration(3'601s), "3601s");
  EXPECT_EQ(formatDuration(0s), "0s");
  for (auto d : {1s, 59s, 60s, 3'600s, 5'400s, 86'400s, 90'000s, 2'592'000s})
    EXPECT_EQ(parseDuration(formatDuration(d)), d) << formatDuration(d);
}

}  // namespace
}  // namespace rspf
