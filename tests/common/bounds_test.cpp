// common/bounds: every duration and key size rspf accepts (issue 9: `--expiry 12725829d` overflowed
// to year -28667, a 5,000-byte Kpm was accepted).
#include "common/bounds.hpp"

#include <gtest/gtest.h>

#include "support/expectations.hpp"

namespace rspf {
namespace {

using rspf::testing::expectError;

TEST(Bounds, DurationsUpToTenYearsAreAccepted) {
  EXPECT_EQ(parseBoundedDuration("30d", "--expiry", ErrorCode::Config), std::chrono::hours(24 * 30));
  EXPECT_EQ(parseBoundedDuration("3650d", "--expiry", ErrorCode::Config), kMaxDuration);
  EXPECT_EQ(parseBoundedDuration("0s", "mef.rekey_grace", ErrorCode::Config, true).count(), 0);
}

TEST(Bounds, LongerOrMalformedDurationsAreRefusedNamingTheOption) {
  expectError([] { parseBoundedDuration("12725829d", "--expiry", ErrorCode::Config); }, ErrorCode::Config,
              "--expiry must be at most 3650d (10 years)");
  expectError([] { parseBoundedDuration("3651d", "'enrolmentExpiry'", ErrorCode::BadRequest); }, ErrorCode::BadRequest,
              "'enrolmentExpiry' must be at most");
  expectError([] { parseBoundedDuration("99999999999999999999d", "--expires", ErrorCode::Config); }, ErrorCode::Config,
              "--expires takes a duration");
  expectError([] { parseBoundedDuration("-5s", "--expires", ErrorCode::Config); }, ErrorCode::Config,
              "--expires takes a duration");
  expectError([] { parseBoundedDuration("0s", "--expiry", ErrorCode::Config); }, ErrorCode::Config,
              "--expiry must be positive");
  expectError([] { requireBoundedDuration(std::chrono::hours(24 * 4000), "Enrolment Expiry", ErrorCode::BadRequest); },
              ErrorCode::BadRequest, "Enrolment Expiry must be at most");
}

TEST(Bounds, KpmIsSixteenToSixtyFourBytes) {
  EXPECT_NO_THROW(requireKpmSize(16, ErrorCode::BadRequest));
  EXPECT_NO_THROW(requireKpmSize(64, ErrorCode::BadRequest));
  expectError([] { requireKpmSize(5000, ErrorCode::BadRequest); }, ErrorCode::BadRequest,
              "at most 64 bytes (the TLS-PSK limit), got 5000");
  expectError([] { requireKpmSize(15, ErrorCode::BadRequest); }, ErrorCode::BadRequest, "at least 16 bytes (128 bits)");
}

}  // namespace
}  // namespace rspf
