// A rotated Enrolment Key is kept, capped at the end of its grace period, then purged; it goes with
// its Enrolee.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "store_contract.hpp"

namespace rspf::store {
namespace {

using testing::kT0;
using testing::sameBytes;
using testing::sampleEnrolee;
using testing::sampleKey;

class StoreRetiredKeys : public testing::StoreContract {};

TEST_P(StoreRetiredKeys, TheReplacedKeyIsServedUntilTheEndOfItsGracePeriod) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("cse-a.example.com", "kpm-a"));
  auto first = sampleKey("cse-a.example.com", kT0);
  first.expiry = kT0 + std::chrono::hours(24);
  ASSERT_EQ(store->commitEnrolment(first, std::nullopt, kT0), TokenRefusal::None);
  auto second = sampleKey("cse-a.example.com", kT0 + std::chrono::seconds(10));
  const auto rotatedAt = kT0 + std::chrono::seconds(10);
  ASSERT_EQ(store->commitEnrolment(second, std::nullopt, rotatedAt, std::chrono::seconds(60)), TokenRefusal::None);

  auto retired = store->findEnrolmentKey(first.relativeKeId);
  ASSERT_TRUE(retired);
  EXPECT_TRUE(retired->retired);
  EXPECT_EQ(retired->expiry, rotatedAt + std::chrono::seconds(60));  // capped, not the original 24 h
  EXPECT_FALSE(store->findEnrolmentKey(second.relativeKeId)->retired);
  EXPECT_EQ(store->findEnrolmentKeyOf("cse-a.example.com")->relativeKeId, second.relativeKeId);
  EXPECT_FALSE(store->findEnrolmentKeyByKreId(first.kreId));  // the old Kre no longer re-authenticates
  // A session's check reads the same expiries without unsealing anything.
  EXPECT_EQ(store->findEnrolmentKeyExpiry(first.relativeKeId), rotatedAt + std::chrono::seconds(60));
  std::string upper = second.relativeKeId;  // RelativeKeIds compare without case, as findEnrolmentKey's
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  EXPECT_EQ(store->findEnrolmentKeyExpiry(upper), second.expiry);
  EXPECT_FALSE(store->findEnrolmentKeyExpiry("0000000000000000"));

  EXPECT_EQ(store->purgeExpiredEnrolmentKeys(rotatedAt + std::chrono::seconds(61)), 1u);
  EXPECT_FALSE(store->findEnrolmentKey(first.relativeKeId));
  EXPECT_FALSE(store->findEnrolmentKeyExpiry(first.relativeKeId));
}

TEST_P(StoreRetiredKeys, KeyRetrievalReadsTheCurrentKeysKeThenARetiredOnes) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("cse-a.example.com", "kpm-a"));
  auto first = sampleKey("cse-a.example.com", kT0);
  first.keyProfile = "legacy";
  first.expiry = kT0 + std::chrono::hours(24);
  ASSERT_EQ(store->commitEnrolment(first, std::nullopt, kT0), TokenRefusal::None);
  auto second = sampleKey("cse-a.example.com", kT0 + std::chrono::seconds(10));
  const auto rotatedAt = kT0 + std::chrono::seconds(10);
  ASSERT_EQ(store->commitEnrolment(second, std::nullopt, rotatedAt, std::chrono::seconds(60)), TokenRefusal::None);

  auto current = store->findRetrievableKey(second.relativeKeId);
  ASSERT_TRUE(current);
  EXPECT_EQ(current->enroleeId, "cse-a.example.com");
  EXPECT_TRUE(sameBytes(current->ke, second.ke));
  EXPECT_EQ(current->keyProfile, second.keyProfile);
  EXPECT_EQ(current->expiry, second.expiry);
  EXPECT_FALSE(current->retired);

  std::string upper = first.relativeKeId;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  auto retired = store->findRetrievableKey(upper);
  ASSERT_TRUE(retired);
  EXPECT_TRUE(sameBytes(retired->ke, first.ke));
  EXPECT_EQ(retired->keyProfile, "legacy");
  EXPECT_EQ(retired->expiry, rotatedAt + std::chrono::seconds(60));
  EXPECT_TRUE(retired->retired);

  EXPECT_FALSE(store->findRetrievableKey("00000000000000000000000000000000"));
  EXPECT_FALSE(store->findRetrievableKey(std::string("bad\0id", 6)));
  EXPECT_EQ(store->purgeExpiredEnrolmentKeys(rotatedAt + std::chrono::seconds(61)), 1u);
  EXPECT_FALSE(store->findRetrievableKey(first.relativeKeId));
  EXPECT_TRUE(store->findRetrievableKey(second.relativeKeId));
}

TEST_P(StoreRetiredKeys, WithoutGraceOrWithItsEnroleeRemovedNothingIsServed) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("cse-a.example.com", "kpm-a"));
  auto first = sampleKey("cse-a.example.com", kT0);
  ASSERT_EQ(store->commitEnrolment(first, std::nullopt, kT0), TokenRefusal::None);
  auto second = sampleKey("cse-a.example.com", kT0);
  ASSERT_EQ(store->commitEnrolment(second, std::nullopt, kT0), TokenRefusal::None);
  EXPECT_FALSE(store->findEnrolmentKey(first.relativeKeId));

  auto third = sampleKey("cse-a.example.com", kT0);
  ASSERT_EQ(store->commitEnrolment(third, std::nullopt, kT0, std::chrono::seconds(60)), TokenRefusal::None);
  ASSERT_TRUE(store->findEnrolmentKey(second.relativeKeId));
  ASSERT_TRUE(store->removeEnrolee("cse-a.example.com"));
  EXPECT_FALSE(store->findEnrolmentKey(second.relativeKeId));
}

RSPF_STORE_CONTRACT(StoreRetiredKeys);

}  // namespace
}  // namespace rspf::store
