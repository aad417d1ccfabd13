// Enrolment Exchange (seed 8.3.3.1, 8.3.3.2; PROTOCOL.md 4.1) against a real SQLite store, with a
// fake authenticated peer whose RFC 5705 exporter returns the fixed outputs of
// tests/vectors/key-derivation.json.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "admin/administration.hpp"
#include "common/error.hpp"
#include "crypto/primitives.hpp"
#include "procedures/enrolment_exchange.hpp"
#include "procedures/enrolment_token.hpp"
#include "store/open/open_store.hpp"
#include "support/derivation_vectors.hpp"
#include "support/expectations.hpp"
#include "support/framework_grants.hpp"
#include "support/temp_dir.hpp"

namespace rspf::procedures {
namespace {

using namespace rspf::testing::vectors;
using rspf::testing::expectError;
using rspf::testing::grantsOf;
using rspf::testing::unhex;

constexpr const char* kMefFqdn = "mef.example.com";
constexpr const char* kEnroleeId = "enrolee.example.com";

bool holds(const crypto::SecretBytes& s, std::string_view hex) { return std::ranges::equal(s.view(), unhex(hex)); }

// The peer of a finished handshake; its exporter returns fixed bytes and records what it was asked.
struct FakePeer {
  std::string exporterHex = kExporter1;
  std::string askedLabel;
  std::size_t askedLength = 0;
  int exports = 0;

  tls::AuthenticatedPeer peer(std::string principal = kEnroleeId, std::string framework = "psk") {
    tls::AuthenticatedPeer p;
    p.grants = grantsOf(framework);
    p.framework = std::move(framework);
    p.principal = std::move(principal);
    p.pskIdentity = p.principal + "-kpm";
    p.remoteAddress = "127.0.0.1:40000";
    p.exportKeyingMaterial = [this](std::string_view label, std::size_t length) {
      askedLabel = std::string(label);
      askedLength = length;
      ++exports;
      return crypto::SecretBytes(unhex(exporterHex));
    };
    return p;
  }
};

store::EnrolmentPolicy fullPolicy() {
  store::EnrolmentPolicy p;
  p.directKeys = {{"cse1.example.com", "SAEF"}, {"ae7.cse1.example.com", "ESData"}};
  p.maf = store::MafInstruction{"maf.example.com", "https://maf.example.com/maf", "symmetric", {"SAEF"}};
  p.registrarCseId = "in-cse.example.com";
  p.enrolmentExpiry = std::chrono::hours(12);
  return p;
}

class EnrolmentExchangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store = store::openSqliteStore(dir / "mef.db", store::KeyEncryptionKey(crypto::randomSecret(32)));
  }

  void addEnrolee(const store::EnrolmentPolicy& policy, std::string id = kEnroleeId) {
    admin::addEnrolee(*store, {id, id + "-kpm", std::nullopt, policy});
  }

  nlohmann::json run(const EnrolmentExchangeRequest& request = {}) {
    EnrolmentExchange exchange(*store, {kMefFqdn, crypto::KeyProfile::Current});
    return exchange.run(fake.peer(), request);
  }

  static EnrolmentExchangeRequest withToken(std::string token) {
    EnrolmentExchangeRequest r;
    r.enrolmentToken = std::move(token);
    return r;
  }

  // Issues a token and registers its record; returns the value.
  std::string addToken(std::string boundTo, std::string aux, std::optional<TimePoint> expiresAt = std::nullopt) {
    auto issued = issueEnrolmentToken(std::move(boundTo), std::move(aux), expiresAt);
    store->addToken(issued.record);
    tokenIds.push_back(issued.record.tokenId);
    return issued.value;
  }

  std::optional<std::string> currentRelativeKeId() {
    auto key = store->findEnrolmentKeyOf(kEnroleeId);
    if (!key) return std::nullopt;
    return key->relativeKeId;
  }

  rspf::testing::TempDir dir;
  std::unique_ptr<store::Store> store;
  FakePeer fake;
  std::vector<std::string> tokenIds;
};

// --- request parsing

TEST(EnrolmentExchangeRequestParse, Valid) {
  auto r = EnrolmentExchangeRequest::parse(
      R"({"certificateEnrolment": true, "mafEnrolment": false, "enrolmentToken": "et-abc"})");
  EXPECT_TRUE(r.certificateEnrolment);
  EXPECT_FALSE(r.mafEnrolment);
  EXPECT_EQ(r.enrolmentToken, std::optional<std::string>("et-abc"));

  auto empty = EnrolmentExchangeRequest::parse("{}");
  EXPECT_FALSE(empty.certificateEnrolment);
  EXPECT_FALSE(empty.mafEnrolment);
  EXPECT_FALSE(empty.enrolmentToken);

  auto maf = EnrolmentExchangeRequest::parse(R"({"mafEnrolment": true})");
  EXPECT_TRUE(maf.mafEnrolment);
  EXPECT_FALSE(maf.certificateEnrolment);

  auto longest = EnrolmentExchangeRequest::parse(R"({"enrolmentToken": ")" + std::string(256, 'a') + "\"}");
  EXPECT_EQ(longest.enrolmentToken->size(), 256u);
}

TEST(EnrolmentExchangeRequestParse, NotJson) {
  expectError([] { EnrolmentExchangeRequest::parse("{"); }, ErrorCode::BadRequest);
  expectError([] { EnrolmentExchangeRequest::parse(""); }, ErrorCode::BadRequest);
  expectError([] { EnrolmentExchangeRequest::parse("mafEnrolment=true"); }, ErrorCode::BadRequest);
}

TEST(EnrolmentExchangeRequestParse, NotAnObject) {
  expectError([] { EnrolmentExchangeRequest::parse("[]"); }, ErrorCode::BadRequest);
  expectError([] { EnrolmentExchangeRequest::parse(R"([{"mafEnrolment": true}])"); }, ErrorCode::BadRequest);
  expectError([] { EnrolmentExchangeRequest::parse("true"); }, ErrorCode::BadRequest);
  expectError([] { EnrolmentExchangeRequest::parse(R"("text")"); }, ErrorCode::BadRequest);
}

TEST(EnrolmentExchangeRequestParse, WrongMemberTypes) {
  expectError([] { EnrolmentExchangeRequest::parse(R"({"certificateEnrolment": 1})"); }, ErrorCode::BadRequest,
              "certificateEnrolment");
  expectError([] { EnrolmentExchangeRequest::parse(R"({"mafEnrolment": "true"})"); }, ErrorCode::BadRequest,
              "mafEnrolment");
  expectError([] { EnrolmentExchangeRequest::parse(R"({"mafEnrolment": null})"); }, ErrorCode::BadRequest,
              "mafEnrolment");
  expectError([] { EnrolmentExchangeRequest::parse(R"({"enrolmentToken": 5})"); }, ErrorCode::BadRequest,
              "enrolmentToken");
  expectError([] { EnrolmentExchangeRequest::parse(R"({"enrolmentToken": ["et-a"]})"); }, ErrorCode::BadRequest,
              "enrolmentToken");
}

TEST(EnrolmentExchangeRequestParse, TokenLength) {
  expectError([] { EnrolmentExchangeRequest::parse(R"({"enrolmentToken": ""})"); }, ErrorCode::BadRequest,
              "enrolmentToken");
  const std::string body = R"({"enrolmentToken": ")" + std::string(257, 'a') + "\"}";
  expectError([&] { EnrolmentExchangeRequest::parse(body); }, ErrorCode::BadRequest, "enrolmentToken");
}

// --- the exchange

TEST_F(EnrolmentExchangeTest, ResponseFollowsThePolicyAndTheVectors) {
  addEnrolee(fullPolicy());
  EnrolmentExchangeRequest request;
  request.mafEnrolment = true;
  const TimePoint before = now();
  auto response = run(request);
  const TimePoint after = now();

  EXPECT_EQ(fake.askedLabel, "EXPORTER-oneM2M-Bootstrap");
  EXPECT_EQ(fake.askedLength, 48u);
  EXPECT_EQ(response.at("keId"), kKeId1);
  EXPECT_EQ(response.at("kreId"), kKreId1);
  EXPECT_EQ(response.at("keyProfile"), "current");
  auto expiry = parseRfc3339(response.at("expiry").get<std::string>());
  ASSERT_TRUE(expiry);
  EXPECT_GE(*expiry, before + std::chrono::hours(12));
  EXPECT_LE(*expiry, after + std::chrono::hours(12));

  const auto expected = nlohmann::json::parse(R"([
    {"type": "mafEnrolment", "mafId": "maf.example.com", "mafUri": "https://maf.example.com/maf",
     "credentialType": "symmetric", "usages": ["SAEF"]},
    {"type": "directKeys", "pairs": [{"targetId": "cse1.example.com", "usage": "SAEF"},
                                     {"targetId": "ae7.cse1.example.com", "usage": "ESData"}]},
    {"type": "configuration", "registrarCseId": "in-cse.example.com"}])");
  EXPECT_EQ(response.at("instructions"), expected) << response.dump(1);
}

TEST_F(EnrolmentExchangeTest, MafInstructionOnlyWhenRequestedAndConfigured) {
  addEnrolee(fullPolicy());
  auto types = [](const nlohmann::json& response) {
    std::vector<std::string> out;
    for (const auto& i : response.at("instructions")) out.push_back(i.at("type"));
    return out;
  };
  // The Enrolee does not support MAF-based procedures: no MAF instruction.
  EXPECT_EQ(types(run()), (std::vector<std::string>{"directKeys", "configuration"}));

  // The Enrolee supports them but the policy has no MAF: none either.
  auto policy = fullPolicy();
  policy.maf.reset();
  ASSERT_TRUE(store->setEnroleePolicy(kEnroleeId, policy));
  EnrolmentExchangeRequest request;
  request.mafEnrolment = true;
  EXPECT_EQ(types(run(request)), (std::vector<std::string>{"directKeys", "configuration"}));
}

TEST_F(EnrolmentExchangeTest, EmptyPolicyGivesNoInstructions) {
  addEnrolee({});
  auto response = run();
  EXPECT_TRUE(response.at("instructions").is_array());
  EXPECT_TRUE(response.at("instructions").empty());
  // Default Enrolment Expiry: 30 days.
  auto expiry = parseRfc3339(response.at("expiry").get<std::string>());
  ASSERT_TRUE(expiry);
  EXPECT_GE(*expiry, now() + std::chrono::hours(24 * 30) - std::chrono::minutes(1));
  EXPECT_LE(*expiry, now() + std::chrono::hours(24 * 30));
}

TEST_F(EnrolmentExchangeTest, StoresTheEnrolmentKey) {
  addEnrolee(fullPolicy());
  auto response = run();
  auto key = store->findEnrolmentKey(kRelative1);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->enroleeId, kEnroleeId);
  EXPECT_TRUE(holds(key->ke, kKe1));
  EXPECT_TRUE(holds(key->kre, kKre1));
  EXPECT_EQ(key->kreId, kKreId1);
  EXPECT_EQ(key->framework, "psk");
  EXPECT_EQ(key->keyProfile, "current");
  EXPECT_EQ(toRfc3339(key->expiry), response.at("expiry").get<std::string>());
  EXPECT_EQ(key->expiry - key->createdAt, std::chrono::hours(12));
  EXPECT_TRUE(key->tokenId.empty());
  EXPECT_EQ(currentRelativeKeId(), std::optional<std::string>(kRelative1));
  ASSERT_TRUE(store->findEnrolmentKeyByKreId(kKreId1));
}

TEST_F(EnrolmentExchangeTest, LegacyProfileIsAnnouncedAndStored) {
  addEnrolee(fullPolicy());
  EnrolmentExchange exchange(*store, {kMefFqdn, crypto::KeyProfile::Legacy});
  auto response = exchange.run(fake.peer(), {});
  EXPECT_EQ(response.at("keyProfile"), "legacy");
  auto key = store->findEnrolmentKey(kRelative1);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->keyProfile, "legacy");
}

TEST_F(EnrolmentExchangeTest, ASecondRunReplacesTheKey) {
  addEnrolee(fullPolicy());
  run();
  ASSERT_TRUE(store->findEnrolmentKey(kRelative1));
  fake.exporterHex = kExporter2;
  auto response = run();
  EXPECT_EQ(response.at("keId"), kKeId2);
  EXPECT_EQ(response.at("kreId"), kKreId2);
  // The replaced key is retired: served for the default grace period (300 s) only.
  auto retired = store->findEnrolmentKey(kRelative1);
  ASSERT_TRUE(retired);
  EXPECT_TRUE(retired->retired);
  EXPECT_LE(retired->expiry, now() + std::chrono::seconds(300));
  EXPECT_FALSE(store->findEnrolmentKeyByKreId(kKreId1));
  EXPECT_FALSE(store->findEnrolmentKey(kRelative2)->retired);
  EXPECT_EQ(currentRelativeKeId(), std::optional<std::string>(kRelative2));
}

TEST_F(EnrolmentExchangeTest, UnregisteredPrincipalIsForbidden) {
  addEnrolee(fullPolicy());
  EnrolmentExchange exchange(*store, {kMefFqdn, crypto::KeyProfile::Current});
  expectError([&] { exchange.run(fake.peer("stranger.example.com"), {}); }, ErrorCode::Forbidden);
  EXPECT_FALSE(store->findEnrolmentKey(kRelative1));
}

TEST_F(EnrolmentExchangeTest, DisabledEnroleeIsForbiddenAndNothingIsStored) {
  addEnrolee(fullPolicy());
  ASSERT_TRUE(store->setEnroleeEnabled(kEnroleeId, false));
  expectError([&] { run(); }, ErrorCode::Forbidden, "disabled");
  EXPECT_FALSE(store->findEnrolmentKeyOf(kEnroleeId));
  EXPECT_FALSE(store->findEnrolmentKey(kRelative1));
}

TEST_F(EnrolmentExchangeTest, DisabledEnroleeKeepsItsPreviousKey) {
  addEnrolee(fullPolicy());
  run();
  ASSERT_TRUE(store->setEnroleeEnabled(kEnroleeId, false));
  fake.exporterHex = kExporter2;
  expectError([&] { run(); }, ErrorCode::Forbidden);
  EXPECT_EQ(currentRelativeKeId(), std::optional<std::string>(kRelative1));
  EXPECT_FALSE(store->findEnrolmentKey(kRelative2));
}

// --- enrolment tokens (seed 8.3.3.1 step 3)

TEST_F(EnrolmentExchangeTest, RequiredTokenMissingIsForbiddenAndNothingIsStored) {
  auto policy = fullPolicy();
  policy.token = store::TokenRequirement::Required;
  addEnrolee(policy);
  expectError([&] { run(); }, ErrorCode::Forbidden, "token");
  EXPECT_FALSE(store->findEnrolmentKeyOf(kEnroleeId));
  EXPECT_FALSE(store->findEnrolmentKey(kRelative1));
}

TEST_F(EnrolmentExchangeTest, RequiredTokenValidIsAcceptedAndRecorded) {
  auto policy = fullPolicy();
  policy.token = store::TokenRequirement::Required;
  addEnrolee(policy);
  auto value = addToken(kEnroleeId, "batch-7", now() + std::chrono::hours(1));
  const TimePoint before = now();
  auto response = run(withToken(value));
  EXPECT_EQ(response.at("keId"), kKeId1);
  auto key = store->findEnrolmentKeyOf(kEnroleeId);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->relativeKeId, kRelative1);
  EXPECT_EQ(key->tokenAux, "batch-7");
  EXPECT_EQ(key->tokenId, tokenIds.back());
  auto token = store->findToken(tokenIds.back());
  ASSERT_TRUE(token);
  ASSERT_TRUE(token->usedAt);
  EXPECT_GE(*token->usedAt, before);
  EXPECT_EQ(token->usedBy, kEnroleeId);
}

TEST_F(EnrolmentExchangeTest, OptionalPolicyStillChecksAGivenToken) {
  addEnrolee(fullPolicy());  // token optional
  auto value = addToken("", "any-enrolee");
  run(withToken(value));
  auto key = store->findEnrolmentKeyOf(kEnroleeId);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->tokenAux, "any-enrolee");

  fake.exporterHex = kExporter2;
  expectError([&] { run(withToken("et-not-issued")); }, ErrorCode::Forbidden);
  EXPECT_EQ(currentRelativeKeId(), std::optional<std::string>(kRelative1));
}

class TokenRefusalTest : public EnrolmentExchangeTest {
 protected:
  void SetUp() override {
    EnrolmentExchangeTest::SetUp();
    auto policy = fullPolicy();
    policy.token = store::TokenRequirement::Required;
    addEnrolee(policy);
    addEnrolee({}, "other.example.com");
    // A first enrolment with a valid token gives the Enrolee a key the refusals must not touch.
    firstToken = addToken(kEnroleeId, "first");
    run(withToken(firstToken));
    ASSERT_EQ(currentRelativeKeId(), std::optional<std::string>(kRelative1));
    firstUsedAt = store->findToken(tokenIds.back())->usedAt;
    ASSERT_TRUE(firstUsedAt);
    fake.exporterHex = kExporter2;
  }

  // The refused attempt changed nothing: same key, no new key, token unused (or as it was).
  void expectRefused(const std::string& value, std::string_view mentions,
                     std::optional<TimePoint> usedAtBefore = std::nullopt) {
    const std::string tokenId = tokenIds.back();
    expectError([&] { run(withToken(value)); }, ErrorCode::Forbidden, mentions);
    EXPECT_EQ(currentRelativeKeId(), std::optional<std::string>(kRelative1));
    EXPECT_FALSE(store->findEnrolmentKey(kRelative2));
    auto key = store->findEnrolmentKeyOf(kEnroleeId);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->tokenAux, "first");
    auto token = store->findToken(tokenId);
    ASSERT_TRUE(token);
    EXPECT_EQ(token->usedAt, usedAtBefore);
  }

  std::string firstToken;
  std::optional<TimePoint> firstUsedAt;
};

TEST_F(TokenRefusalTest, ReplayedToken) {
  expectRefused(firstToken, "already used", firstUsedAt);
  EXPECT_EQ(store->findToken(tokenIds.back())->usedBy, kEnroleeId);
}

TEST_F(TokenRefusalTest, TokenBoundToAnotherEnrolee) {
  auto value = addToken("other.example.com", "for-other");
  expectRefused(value, "another Enrolee");
}

TEST_F(TokenRefusalTest, RevokedToken) {
  auto value = addToken(kEnroleeId, "revoked");
  ASSERT_TRUE(store->revokeToken(tokenIds.back()));
  expectRefused(value, "revoked");
}

TEST_F(TokenRefusalTest, ExpiredToken) {
  auto value = addToken(kEnroleeId, "expired", now() - std::chrono::hours(1));
  expectRefused(value, "expired");
}

TEST_F(TokenRefusalTest, UnknownToken) {
  // The last registered token (the first one) is untouched by the attempt.
  expectRefused("et-never-issued-value", "unknown", firstUsedAt);
}

TEST_F(TokenRefusalTest, RequiredTokenMissingKeepsThePreviousKey) {
  expectError([&] { run(); }, ErrorCode::Forbidden, "token");
  EXPECT_EQ(currentRelativeKeId(), std::optional<std::string>(kRelative1));
  EXPECT_FALSE(store->findEnrolmentKey(kRelative2));
}

TEST_F(TokenRefusalTest, ATokenRefusedForOneEnroleeStaysUsableByItsOwner) {
  auto value = addToken(kEnroleeId, "second");
  EnrolmentExchange exchange(*store, {kMefFqdn, crypto::KeyProfile::Current});
  // "other.example.com" has no token requirement, but a given token is checked and refused.
  FakePeer otherFake;
  otherFake.exporterHex = kExporter2;
  expectError([&] { exchange.run(otherFake.peer("other.example.com"), withToken(value)); }, ErrorCode::Forbidden);
  EXPECT_FALSE(store->findEnrolmentKeyOf("other.example.com"));
  EXPECT_FALSE(store->findToken(tokenIds.back())->usedAt);
  // Its owner can still use it.
  run(withToken(value));
  EXPECT_EQ(currentRelativeKeId(), std::optional<std::string>(kRelative2));
  EXPECT_EQ(store->findEnrolmentKeyOf(kEnroleeId)->tokenAux, "second");
}

// --- completion report (PROTOCOL.md 4.1)

TEST_F(EnrolmentExchangeTest, CompleteRecordsAStep) {
  addEnrolee(fullPolicy());
  run();
  EnrolmentExchange exchange(*store, {kMefFqdn, crypto::KeyProfile::Current});
  auto response = exchange.complete(fake.peer(), R"({"step": "certificateEnrolment"})");
  EXPECT_EQ(response.at("Status"), true);
  auto key = store->findEnrolmentKeyOf(kEnroleeId);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->completedSteps, (std::vector<std::string>{"certificateEnrolment"}));
  expectError([&] { exchange.complete(fake.peer(), R"({"step": "other"})"); }, ErrorCode::BadRequest);
  expectError([&] { exchange.complete(fake.peer(), R"({"step": 1})"); }, ErrorCode::BadRequest);
  expectError([&] { exchange.complete(fake.peer(), "[]"); }, ErrorCode::BadRequest);
}

TEST_F(EnrolmentExchangeTest, CompleteWithoutEnrolmentIsNotFound) {
  addEnrolee(fullPolicy());
  EnrolmentExchange exchange(*store, {kMefFqdn, crypto::KeyProfile::Current});
  expectError([&] { exchange.complete(fake.peer(), R"({"step": "mafEnrolment"})"); }, ErrorCode::NotFound);
}

}  // namespace
}  // namespace rspf::procedures
