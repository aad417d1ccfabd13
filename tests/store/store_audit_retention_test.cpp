// Audit retention (issue 9 item 4), on each backend: the oldest entries leave the log for an archive;
// a MACed checkpoint keeps what remains verifiable, and the archive verifies by itself.
#include <gtest/gtest.h>

#include "store_contract.hpp"
#include "support/expectations.hpp"

namespace rspf::store {
namespace {

using testing::kT0;

AuditEntry entry(int i) { return testing::sampleAuditEntry(i); }

class StoreAuditRetention : public testing::StoreContract {
 protected:
  std::unique_ptr<Store> withEntries(int n) {
    auto store = open();
    for (int i = 1; i <= n; ++i) store->appendAudit(entry(i));
    store->flushAudit();
    return store;
  }
  crypto::SecretBytes nextKek = crypto::randomSecret(32);
};

TEST_P(StoreAuditRetention, TrimmedLogStillVerifiesAndTheArchiveVerifies) {
  auto store = withEntries(10);
  auto segment = store->auditSegmentBefore(kT0 + std::chrono::seconds(6), 1000);
  ASSERT_EQ(segment.entries.size(), 5u);
  EXPECT_EQ(segment.start.seq, 0u);
  EXPECT_EQ(segment.end.seq, 5u);
  EXPECT_TRUE(store->verifyAuditSegment(segment).intact);
  EXPECT_EQ(store->verifyAuditSegment(segment).entries, 5u);
  store->trimAudit(segment);
  auto v = store->verifyAudit();
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 5u);
  EXPECT_EQ(store->tailAudit(100).front().seq, 6u);
  // The chain goes on, across reopening too.
  store->appendAudit(entry(11));
  store.reset();
  store = open();
  EXPECT_TRUE(store->verifyAudit().intact);
  EXPECT_EQ(store->tailAudit(1).front().seq, 11u);
  // The next archive starts where this one ended.
  auto next = store->auditSegmentBefore(kT0 + std::chrono::hours(1), 1000);
  EXPECT_EQ(next.start, segment.end);
  ASSERT_EQ(next.entries.size(), 6u);
  store->trimAudit(next);
  EXPECT_TRUE(store->verifyAudit().intact);
  EXPECT_EQ(store->verifyAudit().entries, 0u);
  store->appendAudit(entry(12));  // an empty log continues from its checkpoint
  store->flushAudit();
  EXPECT_EQ(store->tailAudit(1).front().seq, 12u);
  EXPECT_TRUE(store->verifyAudit().intact);
}

TEST_P(StoreAuditRetention, AStaleOrForeignSegmentIsRefusedAndNothingChanges) {
  auto store = withEntries(6);
  auto segment = store->auditSegmentBefore(kT0 + std::chrono::seconds(4), 1000);
  store->trimAudit(segment);
  rspf::testing::expectError([&] { store->trimAudit(segment); }, ErrorCode::Conflict, "no longer starts");
  auto forged = store->auditSegmentBefore(kT0 + std::chrono::seconds(6), 1000);
  forged.end.entryMac[0] ^= 1;
  rspf::testing::expectError([&] { store->trimAudit(forged); }, ErrorCode::Conflict, "last entry");
  EXPECT_EQ(store->verifyAudit().entries, 3u);
  EXPECT_EQ(store->tailAudit(100).front().seq, 4u);
}

TEST_P(StoreAuditRetention, AlteredArchivesAreFound) {
  auto store = withEntries(6);
  auto segment = store->auditSegmentBefore(kT0 + std::chrono::seconds(6), 1000);
  ASSERT_EQ(segment.entries.size(), 5u);
  auto edited = segment;
  edited.entries[2].outcome = "refused";
  EXPECT_NE(store->verifyAuditSegment(edited).problem.find("entry 3 of the archive was altered"), std::string::npos);
  auto cutAtTheEnd = segment;
  cutAtTheEnd.entries.pop_back();
  cutAtTheEnd.macs.pop_back();
  EXPECT_FALSE(store->verifyAuditSegment(cutAtTheEnd).intact);
  auto cutAtTheStart = segment;  // the first entry removed, the start moved onto it: needs the key
  cutAtTheStart.start = {1, segment.macs[0], segment.start.mac};
  cutAtTheStart.entries.erase(cutAtTheStart.entries.begin());
  cutAtTheStart.macs.erase(cutAtTheStart.macs.begin());
  EXPECT_NE(store->verifyAuditSegment(cutAtTheStart).problem.find("start checkpoint does not verify"),
            std::string::npos);
}

TEST_P(StoreAuditRetention, EntriesRemovedAfterTheCheckpointWithItMovedAreFound) {
  {
    auto store = withEntries(8);
    store->trimAudit(store->auditSegmentBefore(kT0 + std::chrono::seconds(3), 1000));
  }
  // Without the KEK: delete entries 3-5 and make the checkpoint name entry 5 (its MAC is in the file).
  rawExecute(
      "UPDATE meta SET value = CAST(x'0000000000000005' || (SELECT mac FROM audit_log WHERE seq = 5) || "
      "substr(value, 41, 32) AS BLOB) WHERE name = 'audit_checkpoint'",
      "UPDATE meta SET value = '\\x0000000000000005'::bytea || (SELECT mac FROM audit_log WHERE seq = 5) || "
      "substring(value from 41 for 32) WHERE name = 'audit_checkpoint'");
  rawExecute("DELETE FROM audit_log WHERE seq <= 5");
  auto v = open()->verifyAudit();
  EXPECT_FALSE(v.intact);
  EXPECT_NE(v.problem.find("checkpoint was altered"), std::string::npos) << v.problem;
}

TEST_P(StoreAuditRetention, AnArchivedLogIsRechainedByAKeyRotationAndStillVerifies) {
  {
    auto store = withEntries(6);
    auto segment = store->auditSegmentBefore(kT0 + std::chrono::seconds(4), 1000);
    store->trimAudit(segment);
    store->rotateKeyEncryptionKey(KeyEncryptionKey(nextKek),
                                  {0, kT0 + std::chrono::seconds(7), "admin", "kek.rotate", "", "success", ""});
  }
  auto store = openWith(KeyEncryptionKey(nextKek));
  auto v = store->verifyAudit();
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 4u);  // 4-6 and the rotation's own entry
  EXPECT_EQ(store->tailAudit(1).front().seq, 7u);
  store->appendAudit(entry(8));
  store->flushAudit();
  EXPECT_TRUE(store->verifyAudit().intact);
  EXPECT_EQ(store->auditSegmentBefore(kT0 + std::chrono::hours(1), 1000).start.seq, 3u);
}

TEST_P(StoreAuditRetention, TwoArchivesRacingTrimOnceAndTheLogStillVerifies) {
  auto store = withEntries(8);
  auto other = open();  // another process (or MEF instance) on the same store
  auto first = store->auditSegmentBefore(kT0 + std::chrono::seconds(5), 1000);
  auto second = other->auditSegmentBefore(kT0 + std::chrono::seconds(5), 1000);
  store->trimAudit(first);
  rspf::testing::expectError([&] { other->trimAudit(second); }, ErrorCode::Conflict, "no longer starts");
  auto v = other->verifyAudit();
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 4u);
}

RSPF_STORE_CONTRACT(StoreAuditRetention);

}  // namespace
}  // namespace rspf::store
