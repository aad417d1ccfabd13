// Enrolment tokens consumed by commitEnrolment: single use under concurrency, and every refusal
// leaves the store as it was.
#include <gtest/gtest.h>

#include <latch>
#include <thread>

#include "store_contract.hpp"

namespace rspf::store {
namespace {

using testing::kT0;
using testing::sampleEnrolee;
using testing::sampleKey;
using testing::sampleToken;

class StoreTokens : public testing::StoreContract {
 protected:
  void SetUp() override {
    store = open();
    store->addEnrolee(sampleEnrolee("a.example.com", "kpm-a"));
    store->addEnrolee(sampleEnrolee("b.example.com", "kpm-b"));
    previous = sampleKey("a.example.com");
    ASSERT_EQ(store->commitEnrolment(previous, std::nullopt, kT0), TokenRefusal::None);
  }

  static TokenUse use(std::string_view value) { return TokenUse{crypto::sha256(crypto::asBytes(value))}; }

  // A refused commit changes nothing: the previous key stays, the new one is absent, and the
  // token (if known) is still unused.
  void expectRefusedWithoutChange(TokenRefusal expected, const EnrolmentToken& token, std::string_view value,
                                  TimePoint now = kT0) {
    EnrolmentKey attempt = sampleKey("a.example.com");
    EXPECT_EQ(store->commitEnrolment(attempt, use(value), now), expected);
    auto current = store->findEnrolmentKeyOf("a.example.com");
    ASSERT_TRUE(current);
    EXPECT_EQ(current->relativeKeId, previous.relativeKeId);
    EXPECT_FALSE(store->findEnrolmentKey(attempt.relativeKeId));
    auto stored = store->findToken(token.tokenId);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->usedAt, token.usedAt);
    EXPECT_EQ(stored->usedBy, token.usedBy);
  }

  std::unique_ptr<Store> store;
  EnrolmentKey previous;
};

TEST_P(StoreTokens, ATokenIsConsumedAndRecordedOnTheKey) {
  EnrolmentToken token = sampleToken("t1", "value-1");
  store->addToken(token);
  EnrolmentKey key = sampleKey("a.example.com");
  const TimePoint now = kT0 + std::chrono::minutes(1);
  ASSERT_EQ(store->commitEnrolment(key, use("value-1"), now), TokenRefusal::None);
  auto stored = store->findEnrolmentKeyOf("a.example.com");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->relativeKeId, key.relativeKeId);
  EXPECT_EQ(stored->tokenId, "t1");
  EXPECT_EQ(stored->tokenAux, token.auxInfo);
  auto used = store->findToken("t1");
  EXPECT_EQ(used->usedAt, now);
  EXPECT_EQ(used->usedBy, "a.example.com");
  EXPECT_FALSE(store->findEnrolmentKey(previous.relativeKeId));

  // A second use is refused and changes nothing.
  previous = *stored;
  expectRefusedWithoutChange(TokenRefusal::AlreadyUsed, *used, "value-1", now);
}

TEST_P(StoreTokens, AnUnknownTokenIsRefused) {
  EnrolmentToken other = sampleToken("t1", "value-1");
  store->addToken(other);
  expectRefusedWithoutChange(TokenRefusal::Unknown, other, "never-issued");
}

TEST_P(StoreTokens, ARevokedTokenIsRefused) {
  EnrolmentToken token = sampleToken("t1", "value-1");
  store->addToken(token);
  ASSERT_TRUE(store->revokeToken("t1"));
  expectRefusedWithoutChange(TokenRefusal::Revoked, token, "value-1");
}

TEST_P(StoreTokens, AnExpiredTokenIsRefusedFromItsExpiryOn) {
  EnrolmentToken token = sampleToken("t1", "value-1");
  token.expiresAt = kT0 + std::chrono::hours(1);
  store->addToken(token);
  expectRefusedWithoutChange(TokenRefusal::Expired, token, "value-1", *token.expiresAt);
  expectRefusedWithoutChange(TokenRefusal::Expired, token, "value-1", *token.expiresAt + std::chrono::seconds(1));
  EXPECT_EQ(
      store->commitEnrolment(sampleKey("a.example.com"), use("value-1"), *token.expiresAt - std::chrono::seconds(1)),
      TokenRefusal::None);
}

TEST_P(StoreTokens, ATokenBoundToAnotherEnroleeIsRefused) {
  EnrolmentToken token = sampleToken("t1", "value-1");
  token.boundEnroleeId = "b.example.com";
  store->addToken(token);
  expectRefusedWithoutChange(TokenRefusal::BoundToAnotherEnrolee, token, "value-1");
  // The Enrolee it is bound to may use it.
  EXPECT_EQ(store->commitEnrolment(sampleKey("b.example.com"), use("value-1"), kT0), TokenRefusal::None);
  EXPECT_EQ(store->findToken("t1")->usedBy, "b.example.com");
}

// Two Enrolees present the same token at the same moment: exactly one enrolment commits.
void raceForOneToken(Store& first, Store& second, int rounds) {
  for (int round = 0; round < rounds; ++round) {
    const std::string value = "race-" + std::to_string(round);
    first.addToken(sampleToken("race-" + std::to_string(round), value));
    EnrolmentKey keyA = sampleKey("a.example.com");
    EnrolmentKey keyB = sampleKey("b.example.com");
    TokenRefusal resultA{}, resultB{};
    std::latch start(2);
    std::thread a([&] {
      start.arrive_and_wait();
      resultA = first.commitEnrolment(keyA, TokenUse{crypto::sha256(crypto::asBytes(value))}, kT0);
    });
    std::thread b([&] {
      start.arrive_and_wait();
      resultB = second.commitEnrolment(keyB, TokenUse{crypto::sha256(crypto::asBytes(value))}, kT0);
    });
    a.join();
    b.join();
    ASSERT_TRUE((resultA == TokenRefusal::None && resultB == TokenRefusal::AlreadyUsed) ||
                (resultA == TokenRefusal::AlreadyUsed && resultB == TokenRefusal::None))
        << "round " << round << ": " << describe(resultA) << " / " << describe(resultB);
    const bool aWon = resultA == TokenRefusal::None;
    EXPECT_EQ(first.findEnrolmentKey(keyA.relativeKeId).has_value(), aWon);
    EXPECT_EQ(first.findEnrolmentKey(keyB.relativeKeId).has_value(), !aWon);
    EXPECT_EQ(first.findToken("race-" + std::to_string(round))->usedBy, aWon ? "a.example.com" : "b.example.com");
  }
}

TEST_P(StoreTokens, ConcurrentUsesOfOneTokenThroughOneStoreCommitOnce) { raceForOneToken(*store, *store, 50); }

TEST_P(StoreTokens, ConcurrentUsesOfOneTokenThroughTwoConnectionsCommitOnce) {
  auto second = open();  // as a second process on the same database would
  raceForOneToken(*store, *second, 20);
}

RSPF_STORE_CONTRACT(StoreTokens);

}  // namespace
}  // namespace rspf::store
