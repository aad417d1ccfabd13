// SQLite only, until the PostgreSQL store has it: audit retention (issue 9 item 4).
#include <gtest/gtest.h>

#include "sqlite_store_fixture.hpp"
#include "support/expectations.hpp"

namespace rspf::store {
namespace {

using testing::kT0;

AuditEntry entry(int i) {
  return {0,
          kT0 + std::chrono::seconds(i),
          "psk:cse" + std::to_string(i) + ".example.com",
          "enrolment_exchange",
          "cse" + std::to_string(i) + ".example.com",
          "success",
          "entry " + std::to_string(i)};
}

// --- Retention (issue 9 item 4): the oldest entries leave the log for an archive; a MACed checkpoint
// keeps what remains verifiable, and the archive verifies by itself.

class SqliteStoreAuditRetention : public testing::SqliteStoreTest {
 protected:
  std::unique_ptr<Store> withEntries(int n) {
    auto store = open();
    for (int i = 1; i <= n; ++i) store->appendAudit(entry(i));
    store->flushAudit();
    return store;
  }
};

TEST_F(SqliteStoreAuditRetention, TrimmedLogStillVerifiesAndTheArchiveVerifies) {
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

TEST_F(SqliteStoreAuditRetention, AStaleOrForeignSegmentIsRefusedAndNothingChanges) {
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

TEST_F(SqliteStoreAuditRetention, AlteredArchivesAreFound) {
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

TEST_F(SqliteStoreAuditRetention, EntriesRemovedAfterTheCheckpointWithItMovedAreFound) {
  {
    auto store = withEntries(8);
    store->trimAudit(store->auditSegmentBefore(kT0 + std::chrono::seconds(3), 1000));
  }
  // Without the KEK: delete entries 3-5 and make the checkpoint name entry 5 (its MAC is in the file).
  rawExecute(
      "UPDATE meta SET value = CAST(x'0000000000000005' || (SELECT mac FROM audit_log WHERE seq = 5) || "
      "substr(value, 41, 32) AS BLOB) WHERE name = 'audit_checkpoint'");
  rawExecute("DELETE FROM audit_log WHERE seq <= 5");
  auto v = open()->verifyAudit();
  EXPECT_FALSE(v.intact);
  EXPECT_NE(v.problem.find("checkpoint was altered"), std::string::npos) << v.problem;
}

}  // namespace
}  // namespace rspf::store
