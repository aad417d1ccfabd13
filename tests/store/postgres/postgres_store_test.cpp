// PostgreSQL only: migrations when several instances start at once, a lost database answered as
// Unavailable (never a crash) and service resuming, text PostgreSQL cannot hold, the bounded pool.
#include <gtest/gtest.h>

#include <future>
#include <latch>
#include <thread>
#include <vector>

#include "../store_test_support.hpp"
#include "common/error.hpp"
#include "store/open/open_store.hpp"
#include "store/postgres/pg_migrations.hpp"
#include "store/sqlite/migrations.hpp"
#include "support/postgres_cluster.hpp"

namespace rspf::store {
namespace {

using rspf::testing::PostgresCluster;
using testing::kT0;
using testing::sampleEnrolee;
using testing::sampleKey;

std::string databaseOf(const std::string& url) {
  auto at = url.find("dbname=") + 7;
  return url.substr(at, url.find(' ', at) - at);
}

ErrorCode errorCodeOf(auto&& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message != nullptr) *message = e.what();
    return e.code();
  }
  ADD_FAILURE() << "no rspf::Error thrown";
  return ErrorCode::Internal;
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open(std::size_t pool = StoreSettings::kDefaultPoolSize) {
    return openPostgresStore(url, pool, KeyEncryptionKey(kek));
  }
  PostgresCluster& cluster = PostgresCluster::shared();
  std::string url = cluster.createDatabase();
  crypto::SecretBytes kek = crypto::randomSecret(32);
};

TEST_F(PostgresStoreTest, InstancesStartingAtOnceMigrateOnceToTheSameSchemaVersionAsSqlite) {
  EXPECT_EQ(postgres::currentSchemaVersion(), sqlite::currentSchemaVersion());
  constexpr int kInstances = 4;
  std::latch start(kInstances);
  std::vector<std::future<int>> opened;
  for (int i = 0; i < kInstances; ++i)
    opened.push_back(std::async(std::launch::async, [&] {
      start.arrive_and_wait();
      return open()->schemaVersion();
    }));
  for (auto& f : opened) EXPECT_EQ(f.get(), sqlite::currentSchemaVersion());
  EXPECT_EQ(cluster.sql(databaseOf(url), "SELECT count(*) FROM rspf_schema"), "1\n");
  EXPECT_EQ(cluster.sql(databaseOf(url), "SELECT count(*) FROM meta WHERE name = 'kek_check'"), "1\n");
}

TEST_F(PostgresStoreTest, ADatabaseFromANewerRspfIsRefused) {
  open();
  cluster.sql(databaseOf(url), "UPDATE rspf_schema SET version = version + 1");
  std::string message;
  EXPECT_EQ(errorCodeOf([&] { open(); }, &message), ErrorCode::Config);
  EXPECT_EQ(message, "store schema version " + std::to_string(postgres::currentSchemaVersion() + 1) +
                         " is newer than this rspf supports (" + std::to_string(postgres::currentSchemaVersion()) +
                         ")");
}

TEST_F(PostgresStoreTest, AnotherKeyEncryptionKeyIsRefusedAndTheDatabaseIsUnchanged) {
  open()->addEnrolee(sampleEnrolee("a.example.com", "kpm-a"));
  std::string message;
  EXPECT_EQ(errorCodeOf([&] { openPostgresStore(url, 2, KeyEncryptionKey(crypto::randomSecret(32))); }, &message),
            ErrorCode::Config);
  EXPECT_EQ(message, "the key-encryption key does not match this store");
  EXPECT_EQ(cluster.sql(databaseOf(url), "SELECT count(*) FROM meta"), "1\n");
}

TEST_F(PostgresStoreTest, TextPostgresCannotHoldIsNotFoundOnLookupAndRefusedOnWrite) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-a"));
  const std::string withNul("a.example.com\0x", 15);
  const std::string notUtf8 = "a.example.com\xff";
  for (const auto& id : {withNul, notUtf8}) {
    EXPECT_FALSE(store->findEnrolee(id));
    EXPECT_FALSE(store->findEnroleeStatus(id));
    EXPECT_FALSE(store->findEnrolmentKey(id));
    EXPECT_FALSE(store->findToken(id));
    EXPECT_FALSE(store->setEnroleeEnabled(id, false));
    EXPECT_FALSE(store->removeEnrolee(id));
    EXPECT_EQ(errorCodeOf([&] { store->addEnrolee(sampleEnrolee(id, "")); }), ErrorCode::BadRequest);
    EXPECT_EQ(errorCodeOf([&] { store->commitEnrolment(sampleKey(id), std::nullopt, kT0); }), ErrorCode::NotFound);
  }
  EXPECT_EQ(store->listEnrolees().size(), 1u);
  EXPECT_TRUE(store->findEnrolee("a.example.com")->enabled);
}

TEST_F(PostgresStoreTest, ThePoolNeverOpensMoreConnectionsThanItsSize) {
  auto store = open(2);
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-a"));
  std::vector<std::future<bool>> readers;
  for (int i = 0; i < 16; ++i)
    readers.push_back(std::async(std::launch::async, [&] {
      bool all = true;
      for (int k = 0; k < 20; ++k) all = all && store->findEnrolee("a.example.com").has_value();
      return all;
    }));
  for (auto& r : readers) EXPECT_TRUE(r.get());
  const int connections = std::stoi(
      cluster.sql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + databaseOf(url) + "'"));
  EXPECT_GE(connections, 1);
  EXPECT_LE(connections, 2 + 1);  // the pool, and the audit thread's use of it is one of them
}

// A cluster of its own, stopped and started under a store that stays open.
TEST(PostgresStoreOutage, ALostDatabaseIsUnavailableNeverACrashAndServiceResumesWhenItReturns) {
  PostgresCluster own(PostgresCluster::Options{});
  const std::string url = own.createDatabase();
  auto store = openPostgresStore(url, 4, KeyEncryptionKey(crypto::randomSecret(32)));
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-a"));

  own.stopImmediately();
  std::string message;
  EXPECT_EQ(errorCodeOf([&] { store->findEnrolee("a.example.com"); }, &message), ErrorCode::Unavailable);
  EXPECT_NE(message.find("store: looking up an Enrolee"), std::string::npos) << message;
  EXPECT_EQ(errorCodeOf([&] { store->commitEnrolment(sampleKey("a.example.com"), std::nullopt, kT0); }),
            ErrorCode::Unavailable);

  own.start();  // the same port and data: the pool reconnects by itself
  EXPECT_TRUE(store->findEnrolee("a.example.com"));
  EXPECT_EQ(store->commitEnrolment(sampleKey("a.example.com"), std::nullopt, kT0), TokenRefusal::None);
}

}  // namespace
}  // namespace rspf::store
