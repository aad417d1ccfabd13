// Audit paging and key-encryption key rotation on every backend (issue 13 item 4).
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "store_contract.hpp"

namespace rspf::store {
namespace {

using testing::kT0;
using testing::sameBytes;
using testing::sampleEnrolee;
using testing::sampleKey;

class StoreOperations : public testing::StoreContract {};

AuditEntry entry(int i) { return {0, kT0, "admin", "test", "s" + std::to_string(i), "success", ""}; }

TEST_P(StoreOperations, AuditAfterPagesThroughTheLogInOrder) {
  auto store = open();
  for (int i = 1; i <= 7; ++i) store->appendAudit(entry(i));
  store->flushAudit();
  auto page = store->auditAfter(2, 3);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].seq, 3u);
  EXPECT_EQ(page[2].seq, 5u);
  EXPECT_EQ(page[2].subject, "s5");
  EXPECT_EQ(store->auditAfter(5, 100).size(), 2u);
  EXPECT_TRUE(store->auditAfter(7, 100).empty());
}

TEST_P(StoreOperations, RotatingTheKekResealsEverythingAndRechainsTheAuditLog) {
  Enrolee enrolee = sampleEnrolee("a.example.com", "kpm-a");
  EnrolmentKey key = sampleKey("a.example.com");
  const crypto::SecretBytes nextBytes = crypto::randomSecret(32);
  {
    auto store = open();
    store->addEnrolee(enrolee);
    ASSERT_EQ(store->commitEnrolment(key, std::nullopt, kT0), TokenRefusal::None);
    for (int i = 1; i <= 3; ++i) store->appendAudit(entry(i));
    store->flushAudit();
    store->rotateKeyEncryptionKey(KeyEncryptionKey(nextBytes),
                                  {0, kT0, "admin", "admin.kek.rotate", "", "success", ""});
  }
  try {
    open();  // the old KEK
    ADD_FAILURE() << "the old KEK still opens the store";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Config);
  }
  auto store = openWith(KeyEncryptionKey(nextBytes));
  EXPECT_TRUE(sameBytes(store->findEnrolee("a.example.com")->kpm, enrolee.kpm));
  EXPECT_TRUE(sameBytes(store->findEnrolmentKey(key.relativeKeId)->ke, key.ke));
  auto v = store->verifyAudit();
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 4u);
  EXPECT_EQ(store->tailAudit(1).front().action, "admin.kek.rotate");
}

TEST_P(StoreOperations, ABrokenAuditChainIsNotRechainedAndNothingChanges) {
  {
    auto store = open();
    store->addEnrolee(sampleEnrolee("a.example.com", "kpm-a"));
    for (int i = 1; i <= 3; ++i) store->appendAudit(entry(i));
    store->flushAudit();
  }
  rawExecute("UPDATE audit_log SET outcome = 'edited' WHERE seq = 2");
  auto store = open();
  EXPECT_THROW(store->rotateKeyEncryptionKey(KeyEncryptionKey(crypto::randomSecret(32)), entry(9)), Error);
  EXPECT_TRUE(open()->findEnrolee("a.example.com"));  // still under the old KEK
}

RSPF_STORE_CONTRACT(StoreOperations);

}  // namespace
}  // namespace rspf::store
