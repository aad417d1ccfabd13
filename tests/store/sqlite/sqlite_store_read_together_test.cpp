// SqliteStore::readTogether: the lookups of one request share one read transaction, so they see one
// snapshot of the store; the scope ends it, other threads are not held to it, and it does not nest.
#include <gtest/gtest.h>

#include <future>

#include "sqlite_store_fixture.hpp"

namespace rspf::store {
namespace {

using testing::sampleEnrolee;

class SqliteReadTogether : public testing::SqliteStoreTest {};

TEST_F(SqliteReadTogether, LookupsInTheScopeSeeOneSnapshotUntilItEnds) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("cse-a.example.com", "kpm-a"));
  {
    auto reads = store->readTogether();
    ASSERT_NE(reads, nullptr);
    ASSERT_TRUE(store->findEnroleeStatus("cse-a.example.com")->enabled);
    ASSERT_TRUE(store->setEnroleeEnabled("cse-a.example.com", false));  // committed by the writer connection
    rawExecute("DELETE FROM enrolees WHERE enrolee_id = 'none'");       // and another process writes
    EXPECT_TRUE(store->findEnroleeStatus("cse-a.example.com")->enabled) << "the scope's snapshot";
    // Another thread is not held to this thread's snapshot.
    auto elsewhere = std::async(std::launch::async, [&] { return store->findEnroleeStatus("cse-a.example.com"); });
    EXPECT_FALSE(elsewhere.get()->enabled);
    EXPECT_EQ(store->readTogether(), nullptr) << "scopes do not nest";
    EXPECT_TRUE(store->findEnroleeStatus("cse-a.example.com")->enabled) << "the inner scope ended nothing";
  }
  EXPECT_FALSE(store->findEnroleeStatus("cse-a.example.com")->enabled) << "the scope ended its transaction";
}

TEST_F(SqliteReadTogether, EveryReadConnectionStaysUsableAfterManyScopes) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("cse-a.example.com", "kpm-a"));
  for (int i = 0; i < 50; ++i) {
    auto reads = store->readTogether();
    ASSERT_TRUE(store->findEnroleeStatus("cse-a.example.com"));
    EXPECT_FALSE(store->findEnroleeStatus("nobody.example.com"));
  }
  ASSERT_TRUE(store->setEnroleeEnabled("cse-a.example.com", false));
  for (int i = 0; i < 8; ++i) {  // every slot of the pool, each after its scopes, sees the change
    auto reads = store->readTogether();
    EXPECT_FALSE(store->findEnroleeStatus("cse-a.example.com")->enabled);
  }
}

TEST_F(SqliteReadTogether, AScopeOnOneStoreDoesNotCaptureAnothersLookups) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("cse-a.example.com", "kpm-a"));
  testing::TempDir otherDir;
  auto other = openSqliteStore(otherDir / "other.db", KeyEncryptionKey(crypto::randomSecret(32)));
  auto reads = store->readTogether();
  EXPECT_FALSE(other->findEnroleeStatus("cse-a.example.com"));
  other->addEnrolee(sampleEnrolee("cse-b.example.com", "kpm-b"));
  EXPECT_TRUE(other->findEnroleeStatus("cse-b.example.com"));
  EXPECT_FALSE(store->findEnroleeStatus("cse-b.example.com"));
}

}  // namespace
}  // namespace rspf::store
