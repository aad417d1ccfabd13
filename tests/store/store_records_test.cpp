// Round trips of every record type through each store backend, and the Conflict / NotFound cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "common/error.hpp"
#include "crypto/identifiers.hpp"
#include "crypto/primitives.hpp"
#include "store/sqlite/migrations.hpp"
#include "store_contract.hpp"

namespace rspf::store {
namespace {

using testing::kT0;
using testing::sameBytes;
using testing::sampleEnrolee;
using testing::sampleKey;
using testing::sampleToken;

class StoreRecords : public testing::StoreContract {};

void expectSameEnrolee(const Enrolee& a, const Enrolee& b) {
  EXPECT_EQ(a.enroleeId, b.enroleeId);
  EXPECT_EQ(a.kpmId, b.kpmId);
  EXPECT_TRUE(sameBytes(a.kpm, b.kpm));
  EXPECT_EQ(a.enabled, b.enabled);
  EXPECT_EQ(a.policy, b.policy);
  EXPECT_EQ(a.createdAt, b.createdAt);
}

void expectSameKey(const EnrolmentKey& a, const EnrolmentKey& b) {
  EXPECT_EQ(a.relativeKeId, b.relativeKeId);
  EXPECT_EQ(a.enroleeId, b.enroleeId);
  EXPECT_TRUE(sameBytes(a.ke, b.ke));
  EXPECT_EQ(a.kreId, b.kreId);
  EXPECT_TRUE(sameBytes(a.kre, b.kre));
  EXPECT_EQ(a.framework, b.framework);
  EXPECT_EQ(a.keyProfile, b.keyProfile);
  EXPECT_EQ(a.createdAt, b.createdAt);
  EXPECT_EQ(a.expiry, b.expiry);
  EXPECT_EQ(a.tokenId, b.tokenId);
  EXPECT_EQ(a.tokenAux, b.tokenAux);
  EXPECT_EQ(a.completedSteps, b.completedSteps);
}

ErrorCode errorCodeOf(auto&& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message != nullptr) *message = e.what();
    return e.code();
  }
  ADD_FAILURE() << "no rspf::Error thrown";
  return ErrorCode::Internal;
}

TEST_P(StoreRecords, EnroleeRoundTripsWithItsPolicyAcrossReopening) {
  Enrolee withKpm = sampleEnrolee("cse-a.example.com", "kpm-a");
  Enrolee plain = sampleEnrolee("ae-b.example.com", "");
  plain.enabled = false;
  plain.policy = EnrolmentPolicy{};  // defaults: no direct keys, no MAF, token optional
  {
    auto store = open();
    store->addEnrolee(withKpm);
    store->addEnrolee(plain);
    auto found = store->findEnrolee("cse-a.example.com");
    ASSERT_TRUE(found);
    expectSameEnrolee(*found, withKpm);
  }
  auto store = open();
  auto byId = store->findEnrolee("ae-b.example.com");
  ASSERT_TRUE(byId);
  expectSameEnrolee(*byId, plain);
  EXPECT_FALSE(byId->policy.maf);
  auto byKpm = store->findEnroleeByKpmId("kpm-a");
  ASSERT_TRUE(byKpm);
  expectSameEnrolee(*byKpm, withKpm);
  EXPECT_FALSE(store->findEnroleeByKpmId(""));
  EXPECT_FALSE(store->findEnroleeByKpmId("kpm-unknown"));
  EXPECT_FALSE(store->findEnrolee("unknown.example.com"));

  auto all = store->listEnrolees();
  ASSERT_EQ(all.size(), 2u);
  expectSameEnrolee(all[0], plain);  // ordered by Enrolee-ID
  expectSameEnrolee(all[1], withKpm);
}

TEST_P(StoreRecords, SeveralEnroleesMayHaveNoKpmId) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", ""));
  store->addEnrolee(sampleEnrolee("b.example.com", ""));
  EXPECT_EQ(store->listEnrolees().size(), 2u);
}

TEST_P(StoreRecords, DuplicateEnroleeOrKpmIdIsAConflict) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
  std::string message;
  EXPECT_EQ(errorCodeOf([&] { store->addEnrolee(sampleEnrolee("a.example.com", "kpm-2")); }, &message),
            ErrorCode::Conflict);
  EXPECT_EQ(message, "Enrolee 'a.example.com' already exists");
  EXPECT_EQ(errorCodeOf([&] { store->addEnrolee(sampleEnrolee("b.example.com", "kpm-1")); }, &message),
            ErrorCode::Conflict);
  EXPECT_EQ(message, "KpmId 'kpm-1' is already registered");
  EXPECT_EQ(store->listEnrolees().size(), 1u);
}

TEST_P(StoreRecords, EnroleeEnabledAndPolicyCanBeChanged) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
  EXPECT_TRUE(store->setEnroleeEnabled("a.example.com", false));
  EXPECT_FALSE(store->findEnrolee("a.example.com")->enabled);
  EXPECT_TRUE(store->setEnroleeEnabled("a.example.com", true));
  EXPECT_TRUE(store->findEnrolee("a.example.com")->enabled);

  EnrolmentPolicy policy;
  policy.directKeys = {{"cse9.example.com", "ESPrim"}};
  policy.enrolmentExpiry = std::chrono::seconds(90);
  EXPECT_TRUE(store->setEnroleePolicy("a.example.com", policy));
  EXPECT_EQ(store->findEnrolee("a.example.com")->policy, policy);

  EXPECT_FALSE(store->setEnroleeEnabled("unknown", false));
  EXPECT_FALSE(store->setEnroleePolicy("unknown", policy));
  EXPECT_FALSE(store->removeEnrolee("unknown"));
}

TEST_P(StoreRecords, EnrolmentKeyRoundTripsAndIsFoundThreeWays) {
  EnrolmentKey key = sampleKey("a.example.com");
  key.completedSteps = {"certificateEnrolment"};
  {
    auto store = open();
    store->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
    ASSERT_EQ(store->commitEnrolment(key, std::nullopt, kT0), TokenRefusal::None);
  }
  auto store = open();
  auto byRelative = store->findEnrolmentKey(key.relativeKeId);
  ASSERT_TRUE(byRelative);
  expectSameKey(*byRelative, key);
  auto byKre = store->findEnrolmentKeyByKreId(key.kreId);
  ASSERT_TRUE(byKre);
  expectSameKey(*byKre, key);
  auto byEnrolee = store->findEnrolmentKeyOf("a.example.com");
  ASSERT_TRUE(byEnrolee);
  expectSameKey(*byEnrolee, key);
  EXPECT_FALSE(store->findEnrolmentKeyOf("b.example.com"));
  EXPECT_FALSE(store->findEnrolmentKey(crypto::toHex(crypto::randomBytes(16))));
}

TEST_P(StoreRecords, KeyIdentifiersAreStoredLowercaseAndLookedUpIgnoringCase) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
  EnrolmentKey key = sampleKey("a.example.com");
  std::string upperRelative = key.relativeKeId;
  std::string upperKre = key.kreId;
  for (auto* s : {&upperRelative, &upperKre})
    std::transform(s->begin(), s->end(), s->begin(), [](char c) { return std::toupper(c); });
  key.relativeKeId = upperRelative;
  key.kreId = "Mixed" + upperKre;
  ASSERT_EQ(store->commitEnrolment(key, std::nullopt, kT0), TokenRefusal::None);

  auto found = store->findEnrolmentKey(crypto::toLower(upperRelative));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->relativeKeId, crypto::toLower(upperRelative));
  EXPECT_EQ(found->kreId, crypto::toLower(key.kreId));
  EXPECT_TRUE(store->findEnrolmentKey(upperRelative));
  EXPECT_TRUE(store->findEnrolmentKeyByKreId(key.kreId));
  EXPECT_TRUE(store->findEnrolmentKeyByKreId(crypto::toLower(key.kreId)));
}

TEST_P(StoreRecords, ANewEnrolmentKeyReplacesThePreviousOne) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
  EnrolmentKey first = sampleKey("a.example.com");
  EnrolmentKey second = sampleKey("a.example.com", kT0 + std::chrono::minutes(5));
  ASSERT_EQ(store->commitEnrolment(first, std::nullopt, kT0), TokenRefusal::None);
  ASSERT_EQ(store->commitEnrolment(second, std::nullopt, kT0), TokenRefusal::None);
  EXPECT_FALSE(store->findEnrolmentKey(first.relativeKeId));
  EXPECT_FALSE(store->findEnrolmentKeyByKreId(first.kreId));
  auto current = store->findEnrolmentKeyOf("a.example.com");
  ASSERT_TRUE(current);
  expectSameKey(*current, second);
}

TEST_P(StoreRecords, RemovingAnEnroleeRemovesItsEnrolmentKey) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
  EnrolmentKey key = sampleKey("a.example.com");
  ASSERT_EQ(store->commitEnrolment(key, std::nullopt, kT0), TokenRefusal::None);
  EXPECT_TRUE(store->removeEnrolee("a.example.com"));
  EXPECT_FALSE(store->findEnrolee("a.example.com"));
  EXPECT_FALSE(store->findEnrolmentKey(key.relativeKeId));
  // The KpmId is free again.
  store->addEnrolee(sampleEnrolee("b.example.com", "kpm-1"));
}

TEST_P(StoreRecords, CommittingForAnUnknownEnroleeIsNotFound) {
  auto store = open();
  EXPECT_EQ(errorCodeOf([&] { store->commitEnrolment(sampleKey("ghost"), std::nullopt, kT0); }), ErrorCode::NotFound);
}

TEST_P(StoreRecords, CompletedStepsAreRecordedOnce) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
  EnrolmentKey key = sampleKey("a.example.com");
  ASSERT_EQ(store->commitEnrolment(key, std::nullopt, kT0), TokenRefusal::None);
  EXPECT_TRUE(store->recordCompletedStep(key.relativeKeId, "certificateEnrolment"));
  EXPECT_TRUE(store->recordCompletedStep(key.relativeKeId, "mafEnrolment"));
  EXPECT_TRUE(store->recordCompletedStep(key.relativeKeId, "certificateEnrolment"));
  EXPECT_EQ(store->findEnrolmentKey(key.relativeKeId)->completedSteps,
            (std::vector<std::string>{"certificateEnrolment", "mafEnrolment"}));
  EXPECT_FALSE(store->recordCompletedStep(crypto::toHex(crypto::randomBytes(16)), "mafEnrolment"));
}

TEST_P(StoreRecords, PurgeRemovesKeysWhoseExpiryHasCome) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-a"));
  store->addEnrolee(sampleEnrolee("b.example.com", "kpm-b"));
  store->addEnrolee(sampleEnrolee("c.example.com", "kpm-c"));
  EnrolmentKey past = sampleKey("a.example.com");
  past.expiry = kT0 - std::chrono::seconds(1);
  EnrolmentKey due = sampleKey("b.example.com");
  due.expiry = kT0;
  EnrolmentKey future = sampleKey("c.example.com");
  future.expiry = kT0 + std::chrono::seconds(1);
  for (const auto& k : {past, due, future})
    ASSERT_EQ(store->commitEnrolment(k, std::nullopt, kT0 - std::chrono::hours(1)), TokenRefusal::None);
  EXPECT_EQ(store->purgeExpiredEnrolmentKeys(kT0), 2u);
  EXPECT_FALSE(store->findEnrolmentKey(past.relativeKeId));
  EXPECT_FALSE(store->findEnrolmentKey(due.relativeKeId));
  EXPECT_TRUE(store->findEnrolmentKey(future.relativeKeId));
  EXPECT_EQ(store->purgeExpiredEnrolmentKeys(kT0), 0u);
  EXPECT_TRUE(store->findEnrolee("a.example.com"));  // the Enrolee stays
}

TEST_P(StoreRecords, TargetsRoundTripAndDuplicatesConflict) {
  auto store = open();
  store->addTarget({"maf.example.com", "MAF", kT0});
  store->addTarget({"cse1.example.com", "CSE", kT0 + std::chrono::seconds(7)});
  auto found = store->findTarget("cse1.example.com");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->targetId, "cse1.example.com");
  EXPECT_EQ(found->type, "CSE");
  EXPECT_EQ(found->createdAt, kT0 + std::chrono::seconds(7));
  std::string message;
  EXPECT_EQ(errorCodeOf([&] { store->addTarget({"maf.example.com", "AE", kT0}); }, &message), ErrorCode::Conflict);
  EXPECT_EQ(message, "Enrolment Target 'maf.example.com' already exists");
  auto all = store->listTargets();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].targetId, "cse1.example.com");
  EXPECT_EQ(all[1].type, "MAF");
  EXPECT_TRUE(store->removeTarget("maf.example.com"));
  EXPECT_FALSE(store->removeTarget("maf.example.com"));
  EXPECT_FALSE(store->findTarget("maf.example.com"));
}

TEST_P(StoreRecords, TokensRoundTripAndRevoke) {
  auto store = open();
  EnrolmentToken bound = sampleToken("t1", "secret-token-1");
  bound.boundEnroleeId = "a.example.com";
  bound.expiresAt = kT0 + std::chrono::hours(1);
  EnrolmentToken free = sampleToken("t2", "secret-token-2");
  free.createdAt = kT0 + std::chrono::seconds(1);
  store->addToken(bound);
  store->addToken(free);

  auto found = store->findToken("t1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->tokenHash, bound.tokenHash);
  EXPECT_EQ(found->boundEnroleeId, "a.example.com");
  EXPECT_EQ(found->auxInfo, bound.auxInfo);
  EXPECT_EQ(found->createdAt, kT0);
  EXPECT_EQ(found->expiresAt, bound.expiresAt);
  EXPECT_FALSE(found->usedAt);
  EXPECT_EQ(found->usedBy, "");
  EXPECT_FALSE(found->revoked);
  EXPECT_FALSE(store->findToken("t2")->expiresAt);
  EXPECT_FALSE(store->findToken("t3"));
  auto byHash = store->findTokenByHash(free.tokenHash);
  ASSERT_TRUE(byHash);
  EXPECT_EQ(byHash->tokenId, "t2");
  EXPECT_FALSE(store->findTokenByHash(crypto::Bytes(32, 0)));

  auto all = store->listTokens();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].tokenId, "t1");
  EXPECT_EQ(all[1].tokenId, "t2");

  EXPECT_TRUE(store->revokeToken("t2"));
  EXPECT_TRUE(store->findToken("t2")->revoked);
  EXPECT_FALSE(store->revokeToken("t3"));
}

TEST_P(StoreRecords, DuplicateTokenIdOrValueIsAConflict) {
  auto store = open();
  store->addToken(sampleToken("t1", "value-1"));
  EXPECT_EQ(errorCodeOf([&] { store->addToken(sampleToken("t1", "value-2")); }), ErrorCode::Conflict);
  EXPECT_EQ(errorCodeOf([&] { store->addToken(sampleToken("t2", "value-1")); }), ErrorCode::Conflict);
  EnrolmentToken malformed = sampleToken("t3", "value-3");
  malformed.tokenHash.resize(5);
  EXPECT_EQ(errorCodeOf([&] { store->addToken(malformed); }), ErrorCode::BadRequest);
  EXPECT_EQ(store->listTokens().size(), 1u);
}

// Both backends number their schema alike (store/postgres/pg_migrations.hpp).
TEST_P(StoreRecords, ANewStoreHasTheCurrentSchemaVersion) {
  auto store = open();
  EXPECT_EQ(store->schemaVersion(), sqlite::currentSchemaVersion());
  EXPECT_GE(sqlite::currentSchemaVersion(), 2);
}

RSPF_STORE_CONTRACT(StoreRecords);

}  // namespace
}  // namespace rspf::store
