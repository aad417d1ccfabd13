// The audit log: entries chained by MAC under a key derived from the KEK; an edited or removed entry
// is found by verifyAudit, whoever edited the database file.
#include <gtest/gtest.h>

#include <thread>

#include "store_contract.hpp"

namespace rspf::store {
namespace {

using testing::kT0;

class StoreAudit : public testing::StoreContract {};

AuditEntry entry(int i) { return testing::sampleAuditEntry(i); }

TEST_P(StoreAudit, EntriesAreNumberedChainedAndKeptAcrossReopening) {
  {
    auto store = open();
    for (int i = 1; i <= 5; ++i) store->appendAudit(entry(i));
    store->flushAudit();
    auto tail = store->tailAudit(3);
    ASSERT_EQ(tail.size(), 3u);
    EXPECT_EQ(tail[0].seq, 3u);
    EXPECT_EQ(tail[2].seq, 5u);
    auto expected = entry(5);
    expected.seq = 5;
    EXPECT_EQ(tail[2], expected);
  }
  auto store = open();
  auto v = store->verifyAudit();
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 5u);
  store->appendAudit(entry(6));  // the chain continues from the stored head
  store->flushAudit();
  EXPECT_TRUE(store->verifyAudit().intact);
  EXPECT_EQ(store->tailAudit(1).front().seq, 6u);
}

TEST_P(StoreAudit, AnEditedEntryIsFound) {
  {
    auto store = open();
    for (int i = 1; i <= 5; ++i) store->appendAudit(entry(i));
  }  // closing commits what is queued
  rawExecute("UPDATE audit_log SET outcome = 'refused' WHERE seq = 3");
  auto v = open()->verifyAudit();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.firstBadSeq, 3u);
  EXPECT_NE(v.problem.find("entry 3 was altered"), std::string::npos) << v.problem;
}

TEST_P(StoreAudit, ARemovedEntryIsFoundEvenWithTheRestRenumbered) {
  {
    auto store = open();
    for (int i = 1; i <= 5; ++i) store->appendAudit(entry(i));
  }
  rawExecute("DELETE FROM audit_log WHERE seq = 2");
  auto v = open()->verifyAudit();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.firstBadSeq, 2u);
  EXPECT_NE(v.problem.find("entry 2 is missing"), std::string::npos) << v.problem;

  // Closing the gap does not help: entry 3's MAC chains to the removed entry 2.
  // (In two steps: PostgreSQL checks the primary key row by row.)
  rawExecute("UPDATE audit_log SET seq = -seq WHERE seq > 2");
  rawExecute("UPDATE audit_log SET seq = -seq - 1 WHERE seq < 0");
  v = open()->verifyAudit();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.firstBadSeq, 2u);
  EXPECT_NE(v.problem.find("altered"), std::string::npos) << v.problem;
}

TEST_P(StoreAudit, TwoWritersOnOneDatabaseKeepOneChain) {
  auto a = open();
  auto b = open();  // as the MEF and `rspf admin`, or two MEF instances, in two processes
  std::thread ta([&] {
    for (int i = 0; i < 40; ++i) a->appendAudit(entry(i));
    a->flushAudit();
  });
  std::thread tb([&] {
    for (int i = 0; i < 40; ++i) b->appendAudit(entry(100 + i));
    b->flushAudit();
  });
  ta.join();
  tb.join();
  auto v = a->verifyAudit();
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, 80u);
}

RSPF_STORE_CONTRACT(StoreAudit);

}  // namespace
}  // namespace rspf::store
