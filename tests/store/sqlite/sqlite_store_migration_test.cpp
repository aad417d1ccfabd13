// Schema versions: a database written by the first schema is migrated in place; a database from a
// newer rspf is refused.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/error.hpp"
#include "sqlite_store_fixture.hpp"
#include "store/policy_json.hpp"
#include "store/sqlite/migrations.hpp"

namespace rspf::store {
namespace {

using testing::kT0;
using testing::sameBytes;

class SqliteStoreMigration : public testing::SqliteStoreTest {
 protected:
  // Writes what rspf with schema version 1 wrote: the v1 tables and rows with sealed secrets.
  void buildVersion1Database() {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open_v2(dbPath().c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), SQLITE_OK);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)> db(raw, &sqlite3_close_v2);
    const auto& v1 = sqlite::migrations().front();
    ASSERT_EQ(v1.version, 1);
    ASSERT_EQ(sqlite3_exec(raw, v1.sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
    ASSERT_EQ(sqlite3_exec(raw, "PRAGMA user_version = 1", nullptr, nullptr, nullptr), SQLITE_OK);

    const KeyEncryptionKey kek(kekBytes);
    insert(raw,
           "INSERT INTO enrolees (enrolee_id, kpm_id, kpm_sealed, enabled, policy_json, created_at) "
           "VALUES ('a.example.com', 'kpm-1', ?1, 1, ?2, 1800000000)",
           kek.seal(kpm.view(), "enrolees/kpm/a.example.com"), policyToJson(testing::samplePolicy()));
    insert(raw,
           "INSERT INTO enrolment_keys (relative_ke_id, enrolee_id, ke_sealed, kre_id, kre_sealed, "
           "framework, key_profile, created_at, expiry, token_id, token_aux) VALUES "
           "('" +
               relativeKeId +
               "', 'a.example.com', ?1, 'kre@mef.example.com', ?2, 'psk', "
               "'legacy', 1800000000, 1800086400, 't1', 'aux')",
           kek.seal(ke.view(), "enrolment_keys/ke/" + relativeKeId),
           kek.seal(kre.view(), "enrolment_keys/kre/" + relativeKeId));
    ASSERT_EQ(sqlite3_exec(raw,
                           "INSERT INTO targets VALUES ('cse1.example.com', 'CSE', 1800000000);"
                           "INSERT INTO tokens (token_id, token_hash, created_at, used_at, used_by) "
                           "VALUES ('t1', zeroblob(32), 1800000000, 1800000001, 'a.example.com');",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(raw);
    // rspf's own store files are 0600; a store others may read is refused on open.
    std::filesystem::permissions(dbPath(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }

  static void insert(sqlite3* db, const std::string& sql, const crypto::Bytes& blob, const std::string& second) {
    bindAndRun(db, sql, [&](sqlite3_stmt* s) {
      sqlite3_bind_blob(s, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(s, 2, second.data(), static_cast<int>(second.size()), SQLITE_TRANSIENT);
    });
  }
  static void insert(sqlite3* db, const std::string& sql, const crypto::Bytes& first, const crypto::Bytes& second) {
    bindAndRun(db, sql, [&](sqlite3_stmt* s) {
      sqlite3_bind_blob(s, 1, first.data(), static_cast<int>(first.size()), SQLITE_TRANSIENT);
      sqlite3_bind_blob(s, 2, second.data(), static_cast<int>(second.size()), SQLITE_TRANSIENT);
    });
  }
  static void bindAndRun(sqlite3* db, const std::string& sql, auto&& bind) {
    sqlite3_stmt* raw = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> s(raw, &sqlite3_finalize);
    bind(raw);
    ASSERT_EQ(sqlite3_step(raw), SQLITE_DONE) << sqlite3_errmsg(db);
  }

  void setUserVersion(int version) { rawExecute("PRAGMA user_version = " + std::to_string(version)); }

  const crypto::SecretBytes kpm = crypto::randomSecret(32);
  const crypto::SecretBytes ke = crypto::randomSecret(32);
  const crypto::SecretBytes kre = crypto::randomSecret(32);
  const std::string relativeKeId = crypto::toHex(crypto::randomBytes(16));
};

TEST_F(SqliteStoreMigration, MigrationsAreNumberedFromOneWithoutGaps) {
  int expected = 1;
  for (const auto& m : sqlite::migrations()) EXPECT_EQ(m.version, expected++);
  EXPECT_EQ(sqlite::currentSchemaVersion(), expected - 1);
}

TEST_F(SqliteStoreMigration, AVersion1DatabaseIsMigratedKeepingItsData) {
  buildVersion1Database();
  auto store = open();
  EXPECT_EQ(store->schemaVersion(), sqlite::currentSchemaVersion());

  auto enrolee = store->findEnrolee("a.example.com");
  ASSERT_TRUE(enrolee);
  EXPECT_EQ(enrolee->kpmId, "kpm-1");
  EXPECT_TRUE(sameBytes(enrolee->kpm, kpm));
  EXPECT_EQ(enrolee->policy, testing::samplePolicy());
  EXPECT_EQ(enrolee->createdAt, kT0);

  auto key = store->findEnrolmentKey(relativeKeId);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->enroleeId, "a.example.com");
  EXPECT_TRUE(sameBytes(key->ke, ke));
  EXPECT_TRUE(sameBytes(key->kre, kre));
  EXPECT_EQ(key->kreId, "kre@mef.example.com");
  EXPECT_EQ(key->keyProfile, "legacy");
  EXPECT_EQ(key->tokenId, "t1");
  EXPECT_EQ(key->tokenAux, "aux");
  EXPECT_EQ(key->expiry, kT0 + std::chrono::hours(24));
  EXPECT_TRUE(key->completedSteps.empty());  // the column added by version 2
  EXPECT_TRUE(store->recordCompletedStep(relativeKeId, "certificateEnrolment"));
  EXPECT_EQ(store->findEnrolmentKey(relativeKeId)->completedSteps, std::vector<std::string>{"certificateEnrolment"});

  EXPECT_TRUE(store->findTarget("cse1.example.com"));
  auto token = store->findToken("t1");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->usedAt, kT0 + std::chrono::seconds(1));
  EXPECT_EQ(token->usedBy, "a.example.com");
  EXPECT_FALSE(token->revoked);
  store.reset();

  // The store adopted the KEK it was opened with: another one is refused from now on.
  EXPECT_THROW(openSqliteStore(dbPath(), KeyEncryptionKey(crypto::randomSecret(32))), Error);
  EXPECT_EQ(open()->schemaVersion(), sqlite::currentSchemaVersion());
}

TEST_F(SqliteStoreMigration, ReopeningACurrentStoreChangesNothing) {
  open()->addTarget({"cse1.example.com", "CSE", kT0});
  auto store = open();
  EXPECT_EQ(store->schemaVersion(), sqlite::currentSchemaVersion());
  EXPECT_EQ(store->listTargets().size(), 1u);
}

TEST_F(SqliteStoreMigration, ADatabaseFromANewerRspfIsRefused) {
  open()->addTarget({"cse1.example.com", "CSE", kT0});
  const int newer = sqlite::currentSchemaVersion() + 1;
  setUserVersion(newer);
  try {
    open();
    FAIL() << "a newer schema was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Config);
    EXPECT_EQ(std::string(e.what()), "store schema version " + std::to_string(newer) +
                                         " is newer than this rspf supports (" +
                                         std::to_string(sqlite::currentSchemaVersion()) + ")");
  }
}

}  // namespace
}  // namespace rspf::store
