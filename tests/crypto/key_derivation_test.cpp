// Key derivations of PROTOCOL.md section 3 against tests/vectors/key-derivation.json.
// The vectors come from an independent implementation: tests/vectors/reference_derivation.py
// recomputes every value with Python's hmac/hashlib and fails if any differs.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>
#include <string>

#include "crypto/enrolment_key.hpp"
#include "crypto/identifiers.hpp"
#include "crypto/provisioned_keys.hpp"
#include "support/expectations.hpp"
#include "support/test_paths.hpp"

namespace rspf::crypto {
namespace {

using rspf::testing::hexOf;

Bytes unhex(const std::string& hex) {
  if (hex.size() % 2 != 0) throw std::invalid_argument("odd hex length in a vector");
  return rspf::testing::unhex(hex);
}

nlohmann::json loadCases() {
  std::ifstream in(std::string(RSPF_VECTORS_DIR) + "/key-derivation.json");
  if (!in) throw std::runtime_error("cannot open key-derivation.json");
  return nlohmann::json::parse(in).at("cases");
}

class KeyDerivationVectors : public ::testing::Test {
 protected:
  void SetUp() override {
    cases = loadCases();
    ASSERT_GE(cases.size(), 2u);
  }
  nlohmann::json cases;
};

TEST_F(KeyDerivationVectors, EnrolmentKeyMaterialMatchesEveryCase) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.at("exporter_output").get<std::string>());
    const Bytes x = unhex(c.at("exporter_output"));
    const std::string fqdn = c.at("mef_fqdn");
    auto m = deriveEnrolmentKeyMaterial(x, fqdn);
    EXPECT_EQ(m.relativeKeId, c.at("relative_ke_id").get<std::string>());
    EXPECT_EQ(hexOf(m.ke.view()), c.at("ke").get<std::string>());
    EXPECT_EQ(m.keId, c.at("ke_id").get<std::string>());
    EXPECT_EQ(hexOf(m.kre.view()), c.at("kre").get<std::string>());
    EXPECT_EQ(m.kreId, c.at("kre_id").get<std::string>());
    EXPECT_EQ(makeKeId(m.relativeKeId, fqdn), c.at("ke_id").get<std::string>());

    // Kre and KreId recomputed from the stored Ke alone.
    const Bytes ke = unhex(c.at("ke"));
    EXPECT_EQ(hexOf(deriveKre(ke).view()), c.at("kre").get<std::string>());
    EXPECT_EQ(deriveKreId(ke, fqdn), c.at("kre_id").get<std::string>());
  }
}

TEST_F(KeyDerivationVectors, MasterCredentialAndKpsaMatchEveryCase) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.at("exporter_output").get<std::string>());
    const Bytes ke = unhex(c.at("ke"));
    const std::string mafId = c.at("km").at("maf_id");
    const std::string km = c.at("km").at("value");
    EXPECT_EQ(hexOf(deriveMasterCredential(ke, mafId).view()), km);
    EXPECT_EQ(hexOf(deriveTargetKey(KeyProfile::Legacy, ke, Usage::MAF, mafId).view()), km);

    const std::string enroleeB = c.at("kpsa").at("enrolee_b_id");
    const std::string kpsa = c.at("kpsa").at("value");
    EXPECT_EQ(hexOf(deriveProvisionedSecureConnectionKey(ke, enroleeB).view()), kpsa);
    // Under the legacy profile every non-MAF usage gets Kpsa.
    for (Usage u : {Usage::SAEF, Usage::ESData, Usage::ESPrim})
      EXPECT_EQ(hexOf(deriveTargetKey(KeyProfile::Legacy, ke, u, enroleeB).view()), kpsa) << usageName(u);
  }
}

TEST_F(KeyDerivationVectors, UsageConstrainedKeysMatchEveryCase) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.at("exporter_output").get<std::string>());
    const Bytes ke = unhex(c.at("ke"));
    const std::string fqdn = c.at("mef_fqdn");
    const std::string relative = c.at("relative_ke_id");
    ASSERT_EQ(c.at("usage_keys").size(), 4u);
    for (const auto& k : c.at("usage_keys")) {
      const std::string name = k.at("usage");
      SCOPED_TRACE(name);
      const int suid = k.at("suid");
      const std::string targetId = k.at("target_id");
      const std::string value = k.at("value");
      auto usage = parseUsage(name);
      ASSERT_TRUE(usage);
      EXPECT_EQ(defaultSuid(*usage), suid);
      EXPECT_EQ(usageOfSuid(suid), usage);
      EXPECT_EQ(hexOf(deriveUsageConstrainedKey(ke, suid, targetId).view()), value);
      EXPECT_EQ(hexOf(deriveTargetKey(KeyProfile::Current, ke, *usage, targetId).view()), value);
      EXPECT_EQ(makeDerivedKeyIdentifier(relative, suid, fqdn), k.at("key_id").get<std::string>());
    }
  }
}

TEST(KeyDerivation, ExporterOutputMustBe48Bytes) {
  EXPECT_THROW(deriveEnrolmentKeyMaterial(Bytes(47, 1), "mef.example.com"), std::invalid_argument);
  EXPECT_THROW(deriveEnrolmentKeyMaterial(Bytes(49, 1), "mef.example.com"), std::invalid_argument);
  EXPECT_THROW(deriveEnrolmentKeyMaterial(Bytes{}, "mef.example.com"), std::invalid_argument);
  EXPECT_NO_THROW(deriveEnrolmentKeyMaterial(Bytes(48, 1), "mef.example.com"));
  EXPECT_EQ(kExporterLength, 48u);
  EXPECT_EQ(kExporterLabel, "EXPORTER-oneM2M-Bootstrap");
}

TEST(KeyDerivation, SuidOutsideTwoDigitsIsRejected) {
  const Bytes ke(32, 7);
  EXPECT_THROW(deriveUsageConstrainedKey(ke, 100, "cse1.example.com"), std::invalid_argument);
  EXPECT_THROW(deriveUsageConstrainedKey(ke, -1, "cse1.example.com"), std::invalid_argument);
}

TEST(KeyDerivation, DifferentTargetsOrSuidsGiveDifferentKeys) {
  const Bytes ke(32, 7);
  auto a = deriveUsageConstrainedKey(ke, 22, "cse1.example.com");
  auto b = deriveUsageConstrainedKey(ke, 22, "cse2.example.com");
  auto c = deriveUsageConstrainedKey(ke, 23, "cse1.example.com");
  EXPECT_NE(hexOf(a.view()), hexOf(b.view()));
  EXPECT_NE(hexOf(a.view()), hexOf(c.view()));
  EXPECT_EQ(a.size(), 32u);
}

TEST(CredentialId, FixedForms) {
  EXPECT_EQ(
      makeCredentialId(CredentialType::ProvisionedSymmetricKey, "000102030405060708090a0b0c0d0e0f-22@mef.example.com"),
      "12-000102030405060708090a0b0c0d0e0f-22@mef.example.com");
  EXPECT_EQ(makeCredentialId(CredentialType::KmId, "000102030405060708090a0b0c0d0e0f-21@mef.example.com"),
            "11-000102030405060708090a0b0c0d0e0f-21@mef.example.com");
  EXPECT_EQ(makeCredentialId(CredentialType::EsPrimKey, "e55761870f47db28acf649f2716f9507-24@mef.example.com"),
            "13-e55761870f47db28acf649f2716f9507-24@mef.example.com");
  EXPECT_EQ(makeCredentialId(CredentialType::EsDataKey, "e55761870f47db28acf649f2716f9507-23@mef.example.com"),
            "14-e55761870f47db28acf649f2716f9507-23@mef.example.com");
  EXPECT_EQ(makeCredentialId(CredentialType::KpmId, "kpm-a"), "10-kpm-a");
}

TEST(CredentialId, TypeOfEachUsage) {
  EXPECT_EQ(credentialTypeOf(Usage::MAF), CredentialType::KmId);
  EXPECT_EQ(credentialTypeOf(Usage::SAEF), CredentialType::ProvisionedSymmetricKey);
  EXPECT_EQ(credentialTypeOf(Usage::ESPrim), CredentialType::EsPrimKey);
  EXPECT_EQ(credentialTypeOf(Usage::ESData), CredentialType::EsDataKey);
}

TEST(Usages, NamesSuidsAndProfiles) {
  EXPECT_EQ(defaultSuid(Usage::MAF), 21);
  EXPECT_EQ(defaultSuid(Usage::SAEF), 22);
  EXPECT_EQ(defaultSuid(Usage::ESData), 23);
  EXPECT_EQ(defaultSuid(Usage::ESPrim), 24);
  EXPECT_FALSE(usageOfSuid(20));
  EXPECT_FALSE(usageOfSuid(25));
  EXPECT_FALSE(parseUsage("saef"));  // exact spelling only
  EXPECT_FALSE(parseUsage("Foo"));
  EXPECT_EQ(parseUsage("ESPrim"), Usage::ESPrim);
  EXPECT_EQ(parseKeyProfile("current"), KeyProfile::Current);
  EXPECT_EQ(parseKeyProfile("legacy"), KeyProfile::Legacy);
  EXPECT_FALSE(parseKeyProfile("Legacy"));
  EXPECT_EQ(keyProfileName(KeyProfile::Legacy), "legacy");
  EXPECT_EQ(keyProfileName(KeyProfile::Current), "current");
}

TEST(DerivedKeyIdentifier, OneDigitSuidIsZeroPaddedAndHexLowercased) {
  EXPECT_EQ(makeDerivedKeyIdentifier("000102030405060708090A0B0C0D0E0F", 5, "mef.example.com"),
            "000102030405060708090a0b0c0d0e0f-05@mef.example.com");
  EXPECT_EQ(makeKeId("ABCDEF00000000000000000000000000", "mef.example.com"),
            "abcdef00000000000000000000000000@mef.example.com");
}

}  // namespace
}  // namespace rspf::crypto
