// SQLite only: the database files never hold a secret in clear and are private to the owner.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "sqlite_store_fixture.hpp"

namespace rspf::store {
namespace {

using testing::contains;
using testing::containsBytes;
using testing::kT0;
using testing::readFile;
using testing::sampleEnrolee;
using testing::sampleKey;

class SqliteStoreFiles : public testing::SqliteStoreTest {
 protected:
  // Every rendering of a secret that must not appear in the database files.
  static void expectAbsent(const std::string& bytes, const crypto::SecretBytes& secret, const char* what) {
    std::string hex = crypto::toHex(secret.view());
    std::string upperHex = hex;
    std::transform(upperHex.begin(), upperHex.end(), upperHex.begin(), [](char c) { return std::toupper(c); });
    EXPECT_FALSE(containsBytes(bytes, secret.view())) << what << " found in plaintext";
    EXPECT_FALSE(contains(bytes, hex)) << what << " found as hex";
    EXPECT_FALSE(contains(bytes, upperHex)) << what << " found as upper-case hex";
    EXPECT_FALSE(contains(bytes, crypto::toBase64(secret.view()))) << what << " found as base64";
  }

  std::string databaseBytes() const {
    std::string all = readFile(dbPath());
    for (const char* suffix : {"-wal", "-shm"}) {
      std::filesystem::path sibling = dbPath().string() + suffix;
      if (std::filesystem::exists(sibling)) all += readFile(sibling);
    }
    return all;
  }
};

TEST_F(SqliteStoreFiles, SecretsNeverReachTheDatabaseFilesInClear) {
  Enrolee enrolee = sampleEnrolee("a.example.com", "kpm-1");
  EnrolmentKey key = sampleKey("a.example.com");
  {
    auto store = open();
    store->addEnrolee(enrolee);
    ASSERT_EQ(store->commitEnrolment(key, std::nullopt, kT0), TokenRefusal::None);
    // While open, recent writes live in the -wal file.
    ASSERT_TRUE(std::filesystem::exists(dbPath().string() + "-wal"));
    const std::string bytes = databaseBytes();
    ASSERT_TRUE(contains(bytes, "kpm-1"));  // the search does see the files' content
    ASSERT_TRUE(contains(bytes, key.relativeKeId));
    for (const auto* s : {&enrolee.kpm, &key.ke, &key.kre, &kekBytes}) expectAbsent(bytes, *s, "secret");
  }
  // Closing checkpoints the WAL into the main file.
  const std::string bytes = databaseBytes();
  ASSERT_TRUE(contains(bytes, key.relativeKeId));
  expectAbsent(bytes, enrolee.kpm, "Kpm");
  expectAbsent(bytes, key.ke, "Ke");
  expectAbsent(bytes, key.kre, "Kre");
  expectAbsent(bytes, kekBytes, "KEK");
}

TEST_F(SqliteStoreFiles, DatabaseFilesArePrivateWhateverTheUmask) {
  const mode_t previous = ::umask(0);
  {
    auto store = open();
    store->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
    EXPECT_EQ(::umask(0), 0u) << "opening the store must restore the umask";
    EXPECT_EQ(testing::fileMode(dbPath()), 0600u);
    for (const char* suffix : {"-wal", "-shm"}) {
      std::filesystem::path sibling = dbPath().string() + suffix;
      ASSERT_TRUE(std::filesystem::exists(sibling)) << sibling;
      EXPECT_EQ(testing::fileMode(sibling), 0600u) << sibling;
    }
  }
  ::umask(previous);
}

TEST_F(SqliteStoreFiles, SiblingFilesLeftWithLooseModesAreRestricted) {
  open()->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
  // Simulate -wal/-shm left by a crash with loose modes.
  for (const char* suffix : {"-wal", "-shm"}) {
    std::filesystem::path sibling = dbPath().string() + suffix;
    { std::ofstream create(sibling, std::ios::app); }
    ASSERT_EQ(::chmod(sibling.c_str(), 0644), 0);
  }
  auto store = open();
  for (const char* suffix : {"-wal", "-shm"}) EXPECT_EQ(testing::fileMode(dbPath().string() + suffix), 0600u) << suffix;
  EXPECT_TRUE(store->findEnrolee("a.example.com"));
}

TEST_F(SqliteStoreFiles, AStoreInAMissingDirectoryIsAConfigurationError) {
  std::string message;
  try {
    openSqliteStore(dir / "missing" / "mef.db", KeyEncryptionKey(kekBytes));
    ADD_FAILURE() << "opened a store in a missing directory";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Config);
    message = e.what();
  }
  EXPECT_TRUE(contains(message, "missing")) << message;
}

}  // namespace
}  // namespace rspf::store
