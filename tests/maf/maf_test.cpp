// The MAF's own pieces: KmIds it assigns (seed 8.3.3.4), the usages it serves per Enrolee.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "maf/master_credential_identifiers.hpp"
#include "maf/served_usages.hpp"
#include "support/expectations.hpp"
#include "target/enrolment_target_framework.hpp"

namespace rspf::maf {
namespace {

using rspf::testing::expectError;

TEST(MasterCredentialIdentifiers, OneKmIdPerKmInTheProjectForm) {
  MasterCredentialIdentifiers ids("maf.example.com");
  auto kmId = ids.assign("00112233445566778899aabbccddeeff", "11-cred");
  EXPECT_TRUE(isKmIdForm(kmId));
  EXPECT_EQ(kmId.size(), 3 + 32 + 1 + std::string("maf.example.com").size());
  EXPECT_TRUE(kmId.ends_with("@maf.example.com"));
  EXPECT_EQ(ids.assign("00112233445566778899aabbccddeeff", "11-cred"), kmId);
  EXPECT_NE(ids.assign("ffeeddccbbaa99887766554433221100", "11-other"), kmId);
  EXPECT_EQ(ids.relativeKeIdOf(kmId), "00112233445566778899aabbccddeeff");
  EXPECT_FALSE(ids.relativeKeIdOf("km-unknown@maf.example.com"));
  EXPECT_FALSE(isKmIdForm("00112233445566778899aabbccddeeff@mef.example.com"));
  EXPECT_FALSE(isKmIdForm("00112233445566778899aabbccddeeff-21@mef.example.com"));
}

TEST(MasterCredentialIdentifiers, ErasedWithTheirKm) {
  MasterCredentialIdentifiers ids("maf.example.com");
  auto a = ids.assign("aa", "11-a");
  auto b = ids.assign("bb", "11-b");
  ids.eraseCredential("11-a");
  EXPECT_FALSE(ids.relativeKeIdOf(a));
  EXPECT_TRUE(ids.relativeKeIdOf(b));
  ids.eraseKey("bb");
  EXPECT_EQ(ids.size(), 0u);
  EXPECT_NE(ids.assign("aa", "11-a"), a);  // a new handshake with KeId gets a fresh KmId
}

tls::AuthenticatedPeer peerWithUsages(const std::string& usages) {
  tls::AuthenticatedPeer peer;
  peer.principal = "ae1.example.com";
  if (!usages.empty()) peer.attributes[target::kUsagesAttribute] = usages;
  return peer;
}

TEST(ServedUsages, OnlyTheUsagesTheMefAllowed) {
  auto peer = peerWithUsages("SAEF,ESPrim");
  EXPECT_EQ(servedUsages(peer), (std::vector<std::string>{"SAEF", "ESPrim"}));
  EXPECT_NO_THROW(requireServedUsage(peer, "SAEF"));
  EXPECT_NO_THROW(requireServedUsage(peer, "ESPrim"));
  expectError([&] { requireServedUsage(peer, "ESData"); }, ErrorCode::Forbidden,
              "this MAF may not be used for ESData by 'ae1.example.com' (allowed: SAEF, ESPrim)");
  expectError([&] { requireServedUsage(peer, "MAF"); }, ErrorCode::BadRequest);
  expectError([&] { requireServedUsage(peer, "saef"); }, ErrorCode::BadRequest);
}

TEST(ServedUsages, NoUsagesMeansNoUse) {
  auto peer = peerWithUsages("");
  EXPECT_TRUE(servedUsages(peer).empty());
  expectError([&] { requireServedUsage(peer, "SAEF"); }, ErrorCode::Forbidden,
              "this MAF may not be used for SAEF by 'ae1.example.com' (allowed: none)");
}

}  // namespace
}  // namespace rspf::maf
