// MEF Key Retrieval (seed 8.3.3.6; PROTOCOL.md 4.3) against a real SQLite store. The Enrolee is
// enrolled through EnrolmentExchange with a fake peer whose exporter returns case 0 of
// tests/vectors/key-derivation.json, so every expected credential is a fixed, independently
// computed value (base64 of the vector's hex).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "admin/administration.hpp"
#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"
#include "crypto/provisioned_keys.hpp"
#include "procedures/enrolment_exchange.hpp"
#include "procedures/key_retrieval.hpp"
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
constexpr const char* kOtherEnroleeId = "enrolee2.example.com";
constexpr const char* kCse = "cse1.example.com";
constexpr const char* kAe = "ae7.cse1.example.com";
constexpr const char* kMaf = "maf.example.com";

// base64 of the case 0 values.
constexpr const char* kSaefCse1 = "sbVXu2jj9Wt9MDZUAxG4KY3PgHtHYlzH3LuHgLFeYyE=";    // SUID 22, cse1
constexpr const char* kEsPrimCse1 = "bbITcvn15Y1lMRZA5Txs0abmWxe7SDkO/g+VAjI/M5Y=";  // SUID 24, cse1
constexpr const char* kEsDataAe7 = "VBEc1b0IDWSIpV6UaxqzsPG3S0D23EEcQAgMQfuxbqw=";   // SUID 23, ae7.cse1
constexpr const char* kMafKey = "xBN0D3lPUqELiU3TDTEm+V8Gw8KP6iLnqSeomxA2YmQ=";      // SUID 21, maf
constexpr const char* kKpsaCse1 = "0E+Mb0m/Bt7NH39QUOyLUXWgD4uZqYsSZbVQLAZSBuo=";    // 10.3.3, cse1
constexpr const char* kKmMaf = "KKgjv+aD16z+0uU96nXmPznF/EvD1v/CsqpGkjfc9Ng=";       // 10.3.2, maf

tls::AuthenticatedPeer peerWithExporter(std::string principal, std::string framework, std::string exporterHex) {
  tls::AuthenticatedPeer p;
  p.grants = grantsOf(framework);
  p.framework = std::move(framework);
  p.principal = std::move(principal);
  p.pskIdentity = p.principal;
  p.exportKeyingMaterial = [exporterHex](std::string_view, std::size_t) {
    return crypto::SecretBytes(unhex(exporterHex));
  };
  return p;
}

// A target authenticated by re-authentication (its KreId), as MEF Key Retrieval requires.
tls::AuthenticatedPeer targetPeer(std::string principal, std::string framework = "reauth") {
  return peerWithExporter(std::move(principal), std::move(framework), std::string(96, '0'));
}

store::EnrolmentPolicy enroleePolicy() {
  store::EnrolmentPolicy p;
  p.directKeys = {{kCse, "SAEF"}, {kAe, "ESData"}};
  p.maf = store::MafInstruction{kMaf, "https://maf.example.com/maf", "symmetric", {"SAEF"}};
  p.enrolmentExpiry = std::chrono::hours(12);
  return p;
}

class KeyRetrievalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store = store::openSqliteStore(dir / "mef.db", store::KeyEncryptionKey(crypto::randomSecret(32)));
    admin::addEnrolee(*store, {kEnroleeId, "kpm-enrolee", std::nullopt, enroleePolicy()});
    admin::addEnrolee(*store, {kOtherEnroleeId, "kpm-enrolee2", std::nullopt, {}});
    for (auto [id, type] : {std::pair{kCse, "CSE"}, std::pair{kAe, "AE"}, std::pair{kMaf, "MAF"}}) {
      admin::addEnrolee(*store, {id, std::string("kpm-") + id, std::nullopt, {}});
      admin::addTarget(*store, id, type);
    }
  }

  // Enrols the Enrolee with case 0 of the vectors; returns the Exchange response.
  nlohmann::json enrol(crypto::KeyProfile profile = crypto::KeyProfile::Current) {
    EnrolmentExchange exchange(*store, {kMefFqdn, profile});
    return exchange.run(peerWithExporter(kEnroleeId, "psk", kExporter1), {});
  }

  nlohmann::json fetch(const std::string& requester, std::string keyIdentifier,
                       std::optional<std::string> suid = std::nullopt) {
    MefKeyRetrieval retrieval(*store, settings);
    return retrieval.run(targetPeer(requester), {std::move(keyIdentifier), std::move(suid), requester});
  }

  void expectFetchError(ErrorCode code, const tls::AuthenticatedPeer& peer, const KeyRetrievalRequest& request,
                        std::string_view mentions = {}) {
    MefKeyRetrieval retrieval(*store, settings);
    expectError([&] { retrieval.run(peer, request); }, code, mentions);
  }

  rspf::testing::TempDir dir;
  std::unique_ptr<store::Store> store;
  MefSettings settings{kMefFqdn, crypto::KeyProfile::Current};
};

// --- happy paths

TEST_F(KeyRetrievalTest, KeIdAndSuidForm) {
  auto exchange = enrol();
  auto body = fetch(kCse, kKeId1, "22");
  EXPECT_EQ(body.at("Status"), true);
  EXPECT_EQ(body.at("Credential"), kSaefCse1);
  EXPECT_EQ(body.at("Credential"), crypto::toBase64(crypto::deriveUsageConstrainedKey(unhex(kKe1), 22, kCse).view()));
  EXPECT_EQ(body.at("CredentialId"), "12-000102030405060708090a0b0c0d0e0f-22@mef.example.com");
  EXPECT_EQ(body.at("EnroleeID"), kEnroleeId);
  EXPECT_EQ(body.at("Lifetime"), exchange.at("expiry"));
  auto key = store->findEnrolmentKey(kRelative1);
  ASSERT_TRUE(key);
  EXPECT_EQ(body.at("Lifetime"), toRfc3339(key->expiry));
}

TEST_F(KeyRetrievalTest, BareRelativeKeIdFormWithOneAuthorizedUsage) {
  auto exchange = enrol();
  auto body = fetch(kCse, kRelative1);
  EXPECT_EQ(body.at("Credential"), kSaefCse1);
  EXPECT_EQ(body.at("CredentialId"), "12-000102030405060708090a0b0c0d0e0f-22@mef.example.com");
  EXPECT_EQ(body.at("EnroleeID"), kEnroleeId);
  EXPECT_EQ(body.at("Lifetime"), exchange.at("expiry"));
}

TEST_F(KeyRetrievalTest, IdentifiersAreCaseInsensitive) {
  enrol();
  auto body = fetch(kCse, "000102030405060708090A0B0C0D0E0F@MEF.Example.com", "22");
  EXPECT_EQ(body.at("Credential"), kSaefCse1);
  EXPECT_EQ(body.at("CredentialId"), "12-000102030405060708090a0b0c0d0e0f-22@mef.example.com");
  EXPECT_EQ(fetch(kCse, "000102030405060708090A0B0C0D0E0F").at("Credential"), kSaefCse1);
  // The requester ID in another case names the same authenticated identity.
  MefKeyRetrieval retrieval(*store, settings);
  auto upper = retrieval.run(targetPeer(kCse), {kKeId1, "22", "CSE1.example.com"});
  EXPECT_EQ(upper.at("Credential"), kSaefCse1);
}

TEST_F(KeyRetrievalTest, OtherUsagesAndTargets) {
  enrol();
  auto esData = fetch(kAe, kKeId1, "23");
  EXPECT_EQ(esData.at("Credential"), kEsDataAe7);
  EXPECT_EQ(esData.at("CredentialId"), "14-000102030405060708090a0b0c0d0e0f-23@mef.example.com");
  auto maf = fetch(kMaf, kKeId1, "21");
  EXPECT_EQ(maf.at("Credential"), kMafKey);
  EXPECT_EQ(maf.at("CredentialId"), "11-000102030405060708090a0b0c0d0e0f-21@mef.example.com");
  EXPECT_EQ(fetch(kMaf, kRelative1).at("Credential"), kMafKey);
}

TEST_F(KeyRetrievalTest, LegacyProfileKeyGivesKpsaAndKm) {
  // The key's own profile decides, not the retrieving MEF's current setting.
  enrol(crypto::KeyProfile::Legacy);
  auto saef = fetch(kCse, kKeId1, "22");
  EXPECT_EQ(saef.at("Credential"), kKpsaCse1);
  EXPECT_EQ(saef.at("CredentialId"), "12-000102030405060708090a0b0c0d0e0f-22@mef.example.com");
  EXPECT_EQ(fetch(kCse, kRelative1).at("Credential"), kKpsaCse1);
  auto maf = fetch(kMaf, kKeId1, "21");
  EXPECT_EQ(maf.at("Credential"), kKmMaf);
  EXPECT_EQ(maf.at("CredentialId"), "11-000102030405060708090a0b0c0d0e0f-21@mef.example.com");
  EXPECT_EQ(fetch(kAe, kKeId1, "23").at("Credential"),
            crypto::toBase64(crypto::deriveProvisionedSecureConnectionKey(unhex(kKe1), kAe).view()));
}

TEST_F(KeyRetrievalTest, CurrentProfileKeyStaysCurrentUnderALegacyMef) {
  enrol(crypto::KeyProfile::Current);
  settings.keyProfile = crypto::KeyProfile::Legacy;
  EXPECT_EQ(fetch(kCse, kKeId1, "22").at("Credential"), kSaefCse1);
}

// --- refusals, each with its exact code

TEST_F(KeyRetrievalTest, MissingRequesterIsBadRequest) {
  enrol();
  expectFetchError(ErrorCode::BadRequest, targetPeer(kCse), {kKeId1, "22", ""}, "X-M2M-Origin");
}

TEST_F(KeyRetrievalTest, PeerNotAuthenticatedByReAuthenticationIsForbidden) {
  enrol();
  expectFetchError(ErrorCode::Forbidden, targetPeer(kCse, "psk"), {kKeId1, "22", kCse});
  expectFetchError(ErrorCode::Forbidden, targetPeer(kCse, "target-key"), {kKeId1, "22", kCse});
  expectFetchError(ErrorCode::Forbidden, targetPeer(kCse, ""), {kKeId1, "22", kCse});
}

TEST_F(KeyRetrievalTest, RequesterOtherThanTheAuthenticatedIdentityIsForbidden) {
  enrol();
  expectFetchError(ErrorCode::Forbidden, targetPeer(kAe), {kKeId1, "22", kCse}, "not the authenticated identity");
}

TEST_F(KeyRetrievalTest, RequesterNotARegisteredTargetIsForbidden) {
  enrol();
  // An enrolled entity, but not an Enrolment Target.
  expectFetchError(ErrorCode::Forbidden, targetPeer(kOtherEnroleeId), {kKeId1, "22", kOtherEnroleeId},
                   "not a registered Enrolment Target");
  // Not registered at all.
  expectFetchError(ErrorCode::Forbidden, targetPeer("ghost.example.com"), {kKeId1, "22", "ghost.example.com"});
}

TEST_F(KeyRetrievalTest, DisabledRequesterIsForbidden) {
  enrol();
  ASSERT_TRUE(store->setEnroleeEnabled(kCse, false));
  expectFetchError(ErrorCode::Forbidden, targetPeer(kCse), {kKeId1, "22", kCse});
}

TEST_F(KeyRetrievalTest, TargetNotAuthorizedForTheTripleIsForbidden) {
  enrol();
  // cse1 is authorized for SAEF only, not ESPrim (24).
  expectFetchError(ErrorCode::Forbidden, targetPeer(kCse), {kKeId1, "24", kCse}, "not authorized");
  // ae7 is authorized for ESData only.
  expectFetchError(ErrorCode::Forbidden, targetPeer(kAe), {kKeId1, "22", kAe});
  // cse1 may not ask for MAF (21): only the configured MAF may.
  expectFetchError(ErrorCode::Forbidden, targetPeer(kCse), {kKeId1, "21", kCse});
}

TEST_F(KeyRetrievalTest, TargetNotAuthorizedForAnotherEnroleeIsForbidden) {
  enrol();
  EnrolmentExchange exchange(*store, {kMefFqdn, crypto::KeyProfile::Current});
  exchange.run(peerWithExporter(kOtherEnroleeId, "psk", kExporter2), {});
  ASSERT_TRUE(store->findEnrolmentKeyOf(kOtherEnroleeId));
  expectFetchError(ErrorCode::Forbidden, targetPeer(kCse), {kKeId2, "22", kCse});
  expectFetchError(ErrorCode::Forbidden, targetPeer(kCse), {"e55761870f47db28acf649f2716f9507", std::nullopt, kCse});
}

TEST_F(KeyRetrievalTest, CertificateMafIsNotGivenASymmetricKey) {
  auto policy = enroleePolicy();
  policy.maf->credentialType = "certificate";
  ASSERT_TRUE(store->setEnroleePolicy(kEnroleeId, policy));
  enrol();
  expectFetchError(ErrorCode::Forbidden, targetPeer(kMaf), {kKeId1, "21", kMaf});
}

// 8.3.3.6 pre-conditions: a MAF's credentials with the MEF are arranged case by case; a MAF
// registered as a target and authenticated by its certificate needs no enrolment of its own. The
// answer carries the usages it may serve for this Enrolee (8.3.3.4, project choice "Usages").
TEST_F(KeyRetrievalTest, MafByCertificateIsGivenKmAndTheUsagesItMayServe) {
  constexpr const char* kMaf2 = "maf2.example.com";
  admin::addTarget(*store, kMaf2, "MAF");
  auto policy = enroleePolicy();
  policy.maf = store::MafInstruction{kMaf2, "https://maf2.example.com", "symmetric", {"SAEF", "ESData"}};
  ASSERT_TRUE(store->setEnroleePolicy(kEnroleeId, policy));
  enrol();
  MefKeyRetrieval retrieval(*store, settings);
  auto body = retrieval.run(targetPeer(kMaf2, "certificate"), {kKeId1, "21", kMaf2});
  EXPECT_EQ(body.at("Usages"), nlohmann::json::array({"SAEF", "ESData"}));
  EXPECT_EQ(body.at("Credential"), crypto::toBase64(crypto::deriveUsageConstrainedKey(unhex(kKe1), 21, kMaf2).view()));
  EXPECT_EQ(body.at("CredentialId"), "11-000102030405060708090a0b0c0d0e0f-21@mef.example.com");
  // Other usages carry no "Usages".
  EXPECT_FALSE(fetch(kCse, kKeId1, "22").contains("Usages"));
  // Without the certificate it is no enrolled Enrolee (no KreId), and another Enrolee's key is refused.
  expectFetchError(ErrorCode::Forbidden, targetPeer(kMaf2), {kKeId1, "21", kMaf2}, "no longer registered");
  expectFetchError(ErrorCode::Forbidden, targetPeer(kMaf2, "certificate"), {kKeId1, "22", kMaf2}, "not authorized");
}

TEST_F(KeyRetrievalTest, CseTargetByCertificateStillNeedsItsEnrolment) {
  constexpr const char* kCse2 = "cse2.example.com";
  admin::addTarget(*store, kCse2, "CSE");
  auto policy = enroleePolicy();
  policy.directKeys.push_back({kCse2, "SAEF"});
  ASSERT_TRUE(store->setEnroleePolicy(kEnroleeId, policy));
  enrol();
  expectFetchError(ErrorCode::Forbidden, targetPeer(kCse2, "certificate"), {kKeId1, "22", kCse2},
                   "no longer registered");
}

TEST_F(KeyRetrievalTest, UnknownKeIdIsNotFound) {
  enrol();
  expectFetchError(ErrorCode::NotFound, targetPeer(kCse),
                   {"ffeeddccbbaa99887766554433221100@mef.example.com", "22", kCse});
  expectFetchError(ErrorCode::NotFound, targetPeer(kCse), {"ffeeddccbbaa99887766554433221100", std::nullopt, kCse});
}

TEST_F(KeyRetrievalTest, KeIdOfAnotherMefIsNotFound) {
  enrol();
  expectFetchError(ErrorCode::NotFound, targetPeer(kCse),
                   {"000102030405060708090a0b0c0d0e0f@mef2.example.com", "22", kCse});
  expectFetchError(ErrorCode::NotFound, targetPeer(kCse), {"000102030405060708090a0b0c0d0e0f@example.com", "22", kCse});
}

TEST_F(KeyRetrievalTest, ExpiredKeyIsNotFound) {
  store::EnrolmentKey key;
  key.relativeKeId = kRelative1;
  key.enroleeId = kEnroleeId;
  key.ke = crypto::SecretBytes(unhex(kKe1));
  key.kreId = "f865c01789b3a957b7474a17b4dead5b@mef.example.com";
  key.kre = crypto::randomSecret(32);
  key.framework = "psk";
  key.keyProfile = "current";
  key.createdAt = now() - std::chrono::hours(13);
  key.expiry = now() - std::chrono::hours(1);
  ASSERT_EQ(store->commitEnrolment(key, std::nullopt, now()), store::TokenRefusal::None);
  ASSERT_TRUE(store->findEnrolmentKey(kRelative1));
  expectFetchError(ErrorCode::NotFound, targetPeer(kCse), {kKeId1, "22", kCse});
  expectFetchError(ErrorCode::NotFound, targetPeer(kCse), {kRelative1, std::nullopt, kCse});
}

TEST_F(KeyRetrievalTest, DisabledEnroleeIsNotFound) {
  enrol();
  ASSERT_TRUE(store->setEnroleeEnabled(kEnroleeId, false));
  expectFetchError(ErrorCode::NotFound, targetPeer(kCse), {kKeId1, "22", kCse});
  expectFetchError(ErrorCode::NotFound, targetPeer(kCse), {kRelative1, std::nullopt, kCse});
}

TEST_F(KeyRetrievalTest, MalformedIdentifierIsBadRequest) {
  enrol();
  for (const char* bad : {"not-a-key", "", "000102030405060708090a0b0c0d0e0", "000102030405060708090a0b0c0d0e0f0",
                          "000102030405060708090a0b0c0d0e0g", "000102030405060708090a0b0c0d0e0f@",
                          "000102030405060708090a0b0c0d0e0f@mef@example.com",
                          // a derived key identifier is not a KeId
                          "000102030405060708090a0b0c0d0e0f-22@mef.example.com"}) {
    SCOPED_TRACE(bad);
    expectFetchError(ErrorCode::BadRequest, targetPeer(kCse), {bad, "22", kCse});
  }
}

TEST_F(KeyRetrievalTest, BadSuidIsBadRequest) {
  enrol();
  for (const char* bad : {"2x", "99", "2", "022", "", "-1", " 2", "+2", "20"}) {
    SCOPED_TRACE(bad);
    expectFetchError(ErrorCode::BadRequest, targetPeer(kCse), {kKeId1, bad, kCse}, "SUID");
  }
}

TEST_F(KeyRetrievalTest, BareRelativeKeIdWithTwoAuthorizedUsagesIsConflict) {
  auto policy = enroleePolicy();
  policy.directKeys.push_back({kCse, "ESPrim"});
  ASSERT_TRUE(store->setEnroleePolicy(kEnroleeId, policy));
  enrol();
  expectFetchError(ErrorCode::Conflict, targetPeer(kCse), {kRelative1, std::nullopt, kCse});
  // Naming the usage resolves it.
  EXPECT_EQ(fetch(kCse, kKeId1, "24").at("Credential"), kEsPrimCse1);
  EXPECT_EQ(fetch(kCse, kKeId1, "24").at("CredentialId"), "13-000102030405060708090a0b0c0d0e0f-24@mef.example.com");
  EXPECT_EQ(fetch(kCse, kKeId1, "22").at("Credential"), kSaefCse1);
}

TEST_F(KeyRetrievalTest, BareRelativeKeIdWithNoAuthorizedUsageIsForbidden) {
  enrol();
  ASSERT_TRUE(store->setEnroleePolicy(kEnroleeId, {}));
  expectFetchError(ErrorCode::Forbidden, targetPeer(kCse), {kRelative1, std::nullopt, kCse});
}

}  // namespace
}  // namespace rspf::procedures

namespace rspf::procedures {
namespace {

// The Enrolee derives with the Target-ID as its policy spells it; the MEF must derive with the same
// bytes even when the target registered its identity in another case.
TEST_F(KeyRetrievalTest, KeyIsDerivedWithThePolicysSpellingOfTheTargetId) {
  auto policy = enroleePolicy();
  policy.directKeys = {{"CSE1.Example.COM", "SAEF"}};
  ASSERT_TRUE(store->setEnroleePolicy(kEnroleeId, policy));
  enrol();
  auto body = fetch(kCse, kKeId1, "22");
  EXPECT_EQ(body.at("Credential"),
            crypto::toBase64(crypto::deriveUsageConstrainedKey(unhex(kKe1), 22, "CSE1.Example.COM").view()));
  EXPECT_NE(body.at("Credential"), kSaefCse1);
}

}  // namespace
}  // namespace rspf::procedures
