// Administration of the MEF's store (seed 9.2.2.3) and enrolment token issuance (seed 8.3.1.2
// NOTE 2), against a real SQLite store.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "admin/administration.hpp"
#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"
#include "procedures/enrolment_token.hpp"
#include "store/open/open_store.hpp"
#include "support/expectations.hpp"
#include "support/temp_dir.hpp"

namespace rspf::admin {
namespace {

using rspf::testing::expectError;

bool sameBytes(const crypto::SecretBytes& a, const crypto::SecretBytes& b) {
  return std::ranges::equal(a.view(), b.view());
}

std::string readAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

store::EnrolmentPolicy validPolicy() {
  store::EnrolmentPolicy p;
  p.directKeys = {{"cse1.example.com", "SAEF"}, {"ae7.cse1.example.com", "ESData"}, {"cse2.example.com", "ESPrim"}};
  p.maf = store::MafInstruction{"maf.example.com", "https://maf.example.com/maf", "symmetric", {"SAEF", "ESPrim"}};
  p.registrarCseId = "in-cse.example.com";
  p.enrolmentExpiry = std::chrono::hours(6);
  p.token = store::TokenRequirement::Required;
  return p;
}

class AdministrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store = store::openSqliteStore(dir / "mef.db", store::KeyEncryptionKey(crypto::randomSecret(32)));
  }
  rspf::testing::TempDir dir;
  std::unique_ptr<store::Store> store;
};

TEST_F(AdministrationTest, GeneratedKpmIs32BytesAndStored) {
  auto result = addEnrolee(*store, {"enrolee.example.com", "kpm-1", std::nullopt, validPolicy()});
  ASSERT_TRUE(result.generatedKpm);
  EXPECT_EQ(result.generatedKpm->size(), 32u);
  auto stored = store->findEnrolee("enrolee.example.com");
  ASSERT_TRUE(stored);
  EXPECT_TRUE(sameBytes(stored->kpm, *result.generatedKpm));
  EXPECT_EQ(stored->kpmId, "kpm-1");
  EXPECT_TRUE(stored->enabled);
  EXPECT_EQ(stored->policy, validPolicy());
  auto byKpmId = store->findEnroleeByKpmId("kpm-1");
  ASSERT_TRUE(byKpmId);
  EXPECT_EQ(byKpmId->enroleeId, "enrolee.example.com");

  auto second = addEnrolee(*store, {"enrolee2.example.com", "kpm-2", std::nullopt, {}});
  ASSERT_TRUE(second.generatedKpm);
  EXPECT_FALSE(sameBytes(*second.generatedKpm, *result.generatedKpm));
}

TEST_F(AdministrationTest, ProvidedKpmIsStoredAndNotEchoed) {
  const crypto::SecretBytes kpm(crypto::Bytes(16, 0x5a));
  auto result = addEnrolee(*store, {"enrolee.example.com", "kpm-1", kpm, {}});
  EXPECT_FALSE(result.generatedKpm);
  auto stored = store->findEnrolee("enrolee.example.com");
  ASSERT_TRUE(stored);
  EXPECT_TRUE(sameBytes(stored->kpm, kpm));
}

TEST_F(AdministrationTest, ProvidedKpmShorterThan16BytesIsBadRequest) {
  expectError(
      [&] {
        addEnrolee(*store, {"enrolee.example.com", "kpm-1", crypto::SecretBytes(crypto::Bytes(15, 1)), {}});
      },
      ErrorCode::BadRequest, "16 bytes");
  expectError(
      [&] {
        addEnrolee(*store, {"enrolee.example.com", "kpm-1", crypto::SecretBytes(), {}});
      },
      ErrorCode::BadRequest);
  EXPECT_FALSE(store->findEnrolee("enrolee.example.com"));
}

TEST_F(AdministrationTest, NonAsciiIdentifiersAreBadRequest) {
  expectError(
      [&] {
        addEnrolee(*store, {"enrol\xc3\xa9"
                            "e.example.com",
                            "kpm-1",
                            std::nullopt,
                            {}});
      },
      ErrorCode::BadRequest, "Enrolee-ID");
  expectError(
      [&] {
        addEnrolee(*store, {"enrolee example.com", "kpm-1", std::nullopt, {}});
      },
      ErrorCode::BadRequest, "Enrolee-ID");
  expectError([&] { addEnrolee(*store, {"", "kpm-1", std::nullopt, {}}); }, ErrorCode::BadRequest, "Enrolee-ID");
  expectError(
      [&] {
        addEnrolee(*store, {"enrolee.example.com", "kpm-\xc3\xa9", std::nullopt, {}});
      },
      ErrorCode::BadRequest, "KpmId");
  EXPECT_TRUE(store->listEnrolees().empty());
}

TEST_F(AdministrationTest, DirectKeyUsageMafOrUnknownIsBadRequest) {
  for (const char* usage : {"MAF", "Foo", "saef", ""}) {
    SCOPED_TRACE(usage);
    auto policy = validPolicy();
    policy.directKeys.push_back({"cse3.example.com", usage});
    expectError([&] { validatePolicy(policy); }, ErrorCode::BadRequest, "usage");
    expectError(
        [&] {
          addEnrolee(*store, {"enrolee.example.com", "kpm-1", std::nullopt, policy});
        },
        ErrorCode::BadRequest);
  }
  EXPECT_FALSE(store->findEnrolee("enrolee.example.com"));
}

TEST_F(AdministrationTest, ValidatePolicyAcceptsAValidPolicy) {
  EXPECT_NO_THROW(validatePolicy(validPolicy()));
  EXPECT_NO_THROW(validatePolicy({}));
}

TEST_F(AdministrationTest, ValidatePolicyRejectsOtherInvalidPolicies) {
  auto nonAsciiTarget = validPolicy();
  nonAsciiTarget.directKeys.push_back({"c\xc3\xa9se.example.com", "SAEF"});
  expectError([&] { validatePolicy(nonAsciiTarget); }, ErrorCode::BadRequest);

  auto badCredentialType = validPolicy();
  badCredentialType.maf->credentialType = "password";
  expectError([&] { validatePolicy(badCredentialType); }, ErrorCode::BadRequest);

  auto mafUsage = validPolicy();
  mafUsage.maf->usages = {"MAF"};
  expectError([&] { validatePolicy(mafUsage); }, ErrorCode::BadRequest);

  auto badMafId = validPolicy();
  badMafId.maf->mafId = "";
  expectError([&] { validatePolicy(badMafId); }, ErrorCode::BadRequest);

  auto badRegistrar = validPolicy();
  badRegistrar.registrarCseId = "in cse";
  expectError([&] { validatePolicy(badRegistrar); }, ErrorCode::BadRequest);

  auto zeroExpiry = validPolicy();
  zeroExpiry.enrolmentExpiry = std::chrono::seconds(0);
  expectError([&] { validatePolicy(zeroExpiry); }, ErrorCode::BadRequest);
}

TEST_F(AdministrationTest, DuplicateIsConflict) {
  addEnrolee(*store, {"enrolee.example.com", "kpm-1", std::nullopt, {}});
  const auto original = store->findEnrolee("enrolee.example.com");
  ASSERT_TRUE(original);
  expectError(
      [&] {
        addEnrolee(*store, {"enrolee.example.com", "kpm-2", std::nullopt, validPolicy()});
      },
      ErrorCode::Conflict);
  expectError([&] { addEnrolee(*store, {"enrolee2.example.com", "kpm-1", std::nullopt, {}}); }, ErrorCode::Conflict);
  auto after = store->findEnrolee("enrolee.example.com");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->kpmId, "kpm-1");
  EXPECT_TRUE(sameBytes(after->kpm, original->kpm));
  EXPECT_FALSE(store->findEnrolee("enrolee2.example.com"));
  EXPECT_EQ(store->listEnrolees().size(), 1u);
}

TEST_F(AdministrationTest, AddTargetValidatesAndRejectsDuplicates) {
  addTarget(*store, "cse1.example.com", "CSE");
  auto target = store->findTarget("cse1.example.com");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->type, "CSE");
  expectError([&] { addTarget(*store, "cse1.example.com", "CSE"); }, ErrorCode::Conflict);
  expectError([&] { addTarget(*store, "cse2.example.com", "Gateway"); }, ErrorCode::BadRequest);
  expectError([&] { addTarget(*store, "c\xc3\xa9se.example.com", "AE"); }, ErrorCode::BadRequest);
  EXPECT_EQ(store->listTargets().size(), 1u);
}

// --- enrolment tokens

constexpr std::string_view kBase64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

TEST(EnrolmentTokenIssue, ValueCarriesAtLeast128RandomBits) {
  auto issued = procedures::issueEnrolmentToken("enrolee.example.com", "batch-1", std::nullopt);
  ASSERT_EQ(issued.value.rfind("et-", 0), 0u) << issued.value;
  const std::string random = issued.value.substr(3);
  EXPECT_GE(random.size(), 22u);  // 22 base64url characters carry at least 128 bits
  EXPECT_EQ(random.find_first_not_of(kBase64UrlAlphabet), std::string::npos) << random;
  EXPECT_LE(issued.value.size(), procedures::kMaxEnrolmentTokenLength);
}

TEST(EnrolmentTokenIssue, TwoTokensDiffer) {
  auto a = procedures::issueEnrolmentToken("", "", std::nullopt);
  auto b = procedures::issueEnrolmentToken("", "", std::nullopt);
  EXPECT_NE(a.value, b.value);
  EXPECT_NE(a.record.tokenId, b.record.tokenId);
  EXPECT_NE(a.record.tokenHash, b.record.tokenHash);
}

TEST(EnrolmentTokenIssue, RecordHoldsTheHashNeverTheValue) {
  const TimePoint expires = now() + std::chrono::hours(2);
  auto issued = procedures::issueEnrolmentToken("enrolee.example.com", "batch-9", expires);
  EXPECT_EQ(issued.record.tokenHash, crypto::sha256(crypto::asBytes(issued.value)));
  EXPECT_EQ(issued.record.tokenHash, procedures::hashEnrolmentToken(issued.value));
  EXPECT_EQ(issued.record.tokenHash.size(), 32u);
  EXPECT_EQ(issued.record.boundEnroleeId, "enrolee.example.com");
  EXPECT_EQ(issued.record.auxInfo, "batch-9");
  EXPECT_EQ(issued.record.expiresAt, expires);
  EXPECT_FALSE(issued.record.usedAt);
  EXPECT_FALSE(issued.record.revoked);
  EXPECT_FALSE(issued.record.tokenId.empty());
  const std::string random = issued.value.substr(3);
  for (const std::string& field : {issued.record.tokenId, issued.record.boundEnroleeId, issued.record.auxInfo}) {
    EXPECT_EQ(field.find(random), std::string::npos) << field;
  }
}

TEST_F(AdministrationTest, StoredTokenNeverHoldsTheValue) {
  auto issued = procedures::issueEnrolmentToken("", "batch-3", std::nullopt);
  store->addToken(issued.record);
  auto stored = store->findToken(issued.record.tokenId);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->tokenHash, crypto::sha256(crypto::asBytes(issued.value)));
  EXPECT_EQ(stored->auxInfo, "batch-3");
  // Nothing in the database files (nor the write-ahead log) spells the value.
  const std::string random = issued.value.substr(3);
  bool sawAFile = false;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    sawAFile = true;
    const std::string bytes = readAll(entry.path());
    EXPECT_EQ(bytes.find(random), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find(crypto::toHex(crypto::asBytes(issued.value))), std::string::npos) << entry.path();
  }
  EXPECT_TRUE(sawAFile);
}

}  // namespace
}  // namespace rspf::admin
