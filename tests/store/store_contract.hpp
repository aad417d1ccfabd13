#pragma once
// The store contract: every rule a Store must keep, run against each backend (value-parameterized:
// SQLite in a temporary file, PostgreSQL in a database of its own on the test process's
// throwaway cluster, support/postgres_cluster.hpp). Raw SQL reaches under the store the way
// another process would, for tests that tamper with rows.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <string>

#include "store/open/open_store.hpp"
#include "store_test_support.hpp"
#include "support/postgres_cluster.hpp"

namespace rspf::store::testing {

enum class Backend { Sqlite, Postgres };

inline std::string backendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::Sqlite ? "Sqlite" : "Postgres";
}

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  StoreContract() {
    if (postgres()) url_ = rspf::testing::PostgresCluster::shared().createDatabase();
  }

  bool postgres() const { return GetParam() == Backend::Postgres; }
  // The same store each time (same file / database), with the test's KEK or another.
  std::unique_ptr<Store> open() { return openWith(KeyEncryptionKey(kekBytes)); }
  std::unique_ptr<Store> openWith(KeyEncryptionKey kek) {
    if (postgres()) return openPostgresStore(url_, StoreSettings::kDefaultPoolSize, std::move(kek));
    return openSqliteStore(dir / "mef.db", std::move(kek));
  }
  const std::string& url() const { return url_; }

  // Runs SQL on the database through a separate connection; the dialects differ for some changes.
  void rawExecute(const std::string& sql) { rawExecute(sql, sql); }
  void rawExecute(const std::string& sqliteSql, const std::string& postgresSql) {
    if (postgres()) {
      auto& cluster = rspf::testing::PostgresCluster::shared();
      ASSERT_NO_THROW(cluster.sql(databaseName(), postgresSql)) << postgresSql;
      return;
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((dir / "mef.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    char* message = nullptr;
    int rc = sqlite3_exec(db, sqliteSql.c_str(), nullptr, nullptr, &message);
    std::string text = message != nullptr ? message : "";
    sqlite3_free(message);
    sqlite3_close_v2(db);
    ASSERT_EQ(rc, SQLITE_OK) << text;
  }

  TempDir dir;
  crypto::SecretBytes kekBytes = crypto::randomSecret(32);

 private:
  std::string databaseName() const {
    auto at = url_.find("dbname=") + 7;
    return url_.substr(at, url_.find(' ', at) - at);
  }
  std::string url_;
};

#define RSPF_STORE_CONTRACT(Suite)                                                                           \
  INSTANTIATE_TEST_SUITE_P(                                                                                  \
      Backends, Suite,                                                                                       \
      ::testing::Values(::rspf::store::testing::Backend::Sqlite, ::rspf::store::testing::Backend::Postgres), \
      ::rspf::store::testing::backendName)

}  // namespace rspf::store::testing
