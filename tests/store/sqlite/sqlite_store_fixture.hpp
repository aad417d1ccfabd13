#pragma once
// A SQLite store in a temporary directory, reopenable with the same key-encryption key, plus raw
// SQLite access for tests that look under the store.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>

#include "../store_test_support.hpp"
#include "store/open/open_store.hpp"

namespace rspf::store::testing {

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open() { return openSqliteStore(dbPath(), KeyEncryptionKey(kekBytes)); }
  std::filesystem::path dbPath() const { return dir / "mef.db"; }

  // Runs SQL on the database through a separate connection (as another process would).
  void rawExecute(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(dbPath().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    char* message = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    std::string text = message != nullptr ? message : "";
    sqlite3_free(message);
    sqlite3_close_v2(db);
    ASSERT_EQ(rc, SQLITE_OK) << text;
  }

  TempDir dir;
  crypto::SecretBytes kekBytes = crypto::randomSecret(32);
};

}  // namespace rspf::store::testing
