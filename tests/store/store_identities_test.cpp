// Bootstrap identities (TS-0003 8.1.2.4, GBA IMPIs) and certificate revocation in the SQLite store.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "store_contract.hpp"

namespace rspf::store {
namespace {

using testing::kT0;
using testing::sampleEnrolee;

class StoreIdentities : public testing::StoreContract {};

ErrorCode errorCodeOf(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no rspf::Error thrown";
  return ErrorCode::Internal;
}

BootstrapIdentity deviceIdentity(std::string enroleeId) {
  return {std::string(BootstrapIdentity::kDeviceCertificate), "1.0.2.481.1.100.3030.10", std::move(enroleeId),
          "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n", kT0};
}

TEST_P(StoreIdentities, AnIdentityNamesItsEnroleeAcrossReopening) {
  {
    auto store = open();
    store->addEnrolee(sampleEnrolee("cse-a.example.com", ""));
    store->addBootstrapIdentity(deviceIdentity("cse-a.example.com"));
    store->addBootstrapIdentity(
        {std::string(BootstrapIdentity::kGba), "001010000000001@ims.example.org", "cse-a.example.com", "", kT0});
  }
  auto store = open();
  auto found = store->findBootstrapIdentity(BootstrapIdentity::kDeviceCertificate, "1.0.2.481.1.100.3030.10");
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, deviceIdentity("cse-a.example.com"));
  auto enrolee = store->findEnroleeByBootstrapIdentity(BootstrapIdentity::kGba, "001010000000001@ims.example.org");
  ASSERT_TRUE(enrolee);
  EXPECT_EQ(enrolee->enroleeId, "cse-a.example.com");
  EXPECT_EQ(store->listBootstrapIdentities("cse-a.example.com").size(), 2u);
  // The kind is part of the name: the same value under another kind names nobody.
  EXPECT_FALSE(store->findBootstrapIdentity(BootstrapIdentity::kRawPublicKey, "1.0.2.481.1.100.3030.10"));
}

TEST_P(StoreIdentities, ADuplicateOrAnOrphanIdentityChangesNothing) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("cse-a.example.com", ""));
  store->addEnrolee(sampleEnrolee("cse-b.example.com", ""));
  store->addBootstrapIdentity(deviceIdentity("cse-a.example.com"));
  EXPECT_EQ(errorCodeOf([&] { store->addBootstrapIdentity(deviceIdentity("cse-b.example.com")); }),
            ErrorCode::Conflict);
  EXPECT_EQ(errorCodeOf([&] { store->addBootstrapIdentity(deviceIdentity("nobody.example.com")); }),
            ErrorCode::NotFound);
  EXPECT_EQ(store->findBootstrapIdentity(BootstrapIdentity::kDeviceCertificate, "1.0.2.481.1.100.3030.10")->enroleeId,
            "cse-a.example.com");
  EXPECT_TRUE(store->listBootstrapIdentities("cse-b.example.com").empty());
}

TEST_P(StoreIdentities, IdentitiesGoWithTheirEnrolee) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("cse-a.example.com", ""));
  store->addBootstrapIdentity(deviceIdentity("cse-a.example.com"));
  ASSERT_TRUE(store->removeEnrolee("cse-a.example.com"));
  EXPECT_FALSE(store->findBootstrapIdentity(BootstrapIdentity::kDeviceCertificate, "1.0.2.481.1.100.3030.10"));
  // ... and one can be removed on its own.
  store->addEnrolee(sampleEnrolee("cse-a.example.com", ""));
  store->addBootstrapIdentity(deviceIdentity("cse-a.example.com"));
  EXPECT_TRUE(store->removeBootstrapIdentity(BootstrapIdentity::kDeviceCertificate, "1.0.2.481.1.100.3030.10"));
  EXPECT_FALSE(store->removeBootstrapIdentity(BootstrapIdentity::kDeviceCertificate, "1.0.2.481.1.100.3030.10"));
}

TEST_P(StoreIdentities, AnEnroleeIsAddedWithItsIdentitiesOrNotAtAll) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("cse-a.example.com", ""));
  store->addBootstrapIdentity(deviceIdentity("cse-a.example.com"));
  auto b = sampleEnrolee("cse-b.example.com", "");
  b.bootstrapIdentities = {{std::string(BootstrapIdentity::kGba), "impi-b", "cse-b.example.com", "", kT0},
                           deviceIdentity("cse-b.example.com")};  // the device ID is taken
  EXPECT_EQ(errorCodeOf([&] { store->addEnrolee(b); }), ErrorCode::Conflict);
  EXPECT_FALSE(store->findEnroleeStatus("cse-b.example.com"));
  EXPECT_FALSE(store->findBootstrapIdentity(BootstrapIdentity::kGba, "impi-b"));

  b.bootstrapIdentities.pop_back();
  store->addEnrolee(b);
  EXPECT_EQ(store->findEnroleeByBootstrapIdentity(BootstrapIdentity::kGba, "impi-b")->enroleeId, "cse-b.example.com");
}

// Bulk import's batch (issue 14 item 6): one transaction, and each Enrolee in it added whole or
// refused alone, whatever refused it: an existing Enrolee-ID, a KpmId or identity taken (also by an
// Enrolee earlier in the same batch), an identity naming another Enrolee.
TEST_P(StoreIdentities, ABatchAddsEachEnroleeWholeOrRefusesItAlone) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("existing.example.com", "existing-kpm"));
  std::vector<Enrolee> batch;
  batch.push_back(sampleEnrolee("cse-a.example.com", "kpm-a"));
  batch.back().bootstrapIdentities = {{std::string(BootstrapIdentity::kGba), "impi-a", "cse-a.example.com", "", kT0}};
  batch.push_back(sampleEnrolee("existing.example.com", "kpm-x"));  // the Enrolee-ID exists
  batch.push_back(sampleEnrolee("cse-c.example.com", "kpm-a"));     // the KpmId is cse-a's, in this batch
  batch.push_back(sampleEnrolee("cse-d.example.com", "kpm-d"));
  batch.back().bootstrapIdentities = {
      {std::string(BootstrapIdentity::kGba), "impi-d", "cse-d.example.com", "", kT0},
      {std::string(BootstrapIdentity::kGba), "impi-a", "cse-d.example.com", "", kT0}};  // cse-a's IMPI
  batch.push_back(sampleEnrolee("cse-e.example.com", "kpm-e"));
  batch.back().bootstrapIdentities = {{std::string(BootstrapIdentity::kGba), "impi-e", "someone-else", "", kT0}};
  batch.push_back(sampleEnrolee("cse-f.example.com", "kpm-f"));

  auto refusals = store->addEnrolees(batch);
  ASSERT_EQ(refusals.size(), batch.size());
  EXPECT_EQ(refusals[0], "");
  EXPECT_NE(refusals[1].find("already exists"), std::string::npos) << refusals[1];
  EXPECT_NE(refusals[2].find("KpmId 'kpm-a'"), std::string::npos) << refusals[2];
  EXPECT_NE(refusals[3].find("impi-a"), std::string::npos) << refusals[3];
  EXPECT_NE(refusals[4].find("another Enrolee"), std::string::npos) << refusals[4];
  EXPECT_EQ(refusals[5], "");

  // The added ones whole, with their Kpm sealed and readable; the refused ones without a trace.
  auto a = store->findEnroleeByKpmId("kpm-a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->enroleeId, "cse-a.example.com");
  EXPECT_TRUE(a->kpm.view().size() == 32 &&
              std::equal(a->kpm.view().begin(), a->kpm.view().end(), batch[0].kpm.view().begin()));
  EXPECT_EQ(store->findEnroleeByBootstrapIdentity(BootstrapIdentity::kGba, "impi-a")->enroleeId, "cse-a.example.com");
  EXPECT_TRUE(store->findEnrolee("cse-f.example.com"));
  EXPECT_FALSE(store->findEnroleeByKpmId("kpm-x"));
  EXPECT_EQ(store->findEnrolee("existing.example.com")->kpmId, "existing-kpm");
  EXPECT_FALSE(store->findEnroleeStatus("cse-c.example.com"));
  EXPECT_FALSE(store->findEnroleeStatus("cse-d.example.com"));
  EXPECT_FALSE(store->findBootstrapIdentity(BootstrapIdentity::kGba, "impi-d"));
  EXPECT_FALSE(store->findEnroleeStatus("cse-e.example.com"));
  EXPECT_FALSE(store->findBootstrapIdentity(BootstrapIdentity::kGba, "impi-e"));
  EXPECT_EQ(store->listEnrolees().size(), 3u);

  // Durable: a reopened store has them.
  store.reset();
  EXPECT_TRUE(open()->findEnrolee("cse-f.example.com"));
  EXPECT_TRUE(open()->addEnrolees({}).empty());
}

IssuedCertificateRecord issued(std::string serial, std::string caLabel) {
  return {std::move(serial),
          std::move(caLabel),
          "cse-a.example.com",
          "cse-a.example.com",
          kT0,
          kT0 + std::chrono::hours(24),
          kT0,
          crypto::Bytes{0x30, 0x00},
          std::nullopt,
          ""};
}

TEST_P(StoreIdentities, RevocationIsRecordedOnceAndListedPerCa) {
  auto store = open();
  store->recordIssuedCertificate(issued("0a", ""));
  store->recordIssuedCertificate(issued("0b", ""));
  store->recordIssuedCertificate(issued("0c", "other"));
  EXPECT_FALSE(store->findIssuedCertificate("0a")->revokedAt);

  EXPECT_TRUE(store->revokeCertificate("0a", "keyCompromise", kT0 + std::chrono::hours(1)));
  EXPECT_FALSE(store->revokeCertificate("0a", "superseded", kT0 + std::chrono::hours(2)));  // final
  EXPECT_FALSE(store->revokeCertificate("ff", "keyCompromise", kT0));                       // unknown
  EXPECT_TRUE(store->revokeCertificate("0c", "cessationOfOperation", kT0));

  auto a = store->findIssuedCertificate("0a");
  ASSERT_TRUE(a && a->revokedAt);
  EXPECT_EQ(*a->revokedAt, kT0 + std::chrono::hours(1));
  EXPECT_EQ(a->revocationReason, "keyCompromise");
  auto revoked = store->listRevokedCertificates("");
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0].serialHex, "0a");
  EXPECT_EQ(store->listRevokedCertificates("other").size(), 1u);
  EXPECT_FALSE(store->findIssuedCertificate("ff"));
}

RSPF_STORE_CONTRACT(StoreIdentities);

}  // namespace
}  // namespace rspf::store
