// Secrets at rest: sealed under the KEK, bound to their row, files private to the owner.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>

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

class SqliteStoreSecurity : public testing::SqliteStoreTest {
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

  Error errorOf(auto&& f) {
    try {
      f();
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "no rspf::Error thrown";
    return Error(ErrorCode::Internal, "");
  }
};

TEST_F(SqliteStoreSecurity, SecretsNeverReachTheDatabaseFilesInClear) {
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

TEST_F(SqliteStoreSecurity, AnotherKeyEncryptionKeyIsRefused) {
  open()->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
  const crypto::SecretBytes otherKek = crypto::randomSecret(32);
  Error e = errorOf([&] { openSqliteStore(dbPath(), KeyEncryptionKey(otherKek)); });
  EXPECT_EQ(e.code(), ErrorCode::Config);
  EXPECT_EQ(std::string(e.what()), "the key-encryption key does not match this store");
  // The right key still opens it.
  EXPECT_TRUE(open()->findEnrolee("a.example.com"));
}

TEST_F(SqliteStoreSecurity, DatabaseFilesArePrivateWhateverTheUmask) {
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

TEST_F(SqliteStoreSecurity, SiblingFilesLeftWithLooseModesAreRestricted) {
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

TEST_F(SqliteStoreSecurity, ATamperedSealedColumnFailsToOpen) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
  EnrolmentKey key = sampleKey("a.example.com");
  ASSERT_EQ(store->commitEnrolment(key, std::nullopt, kT0), TokenRefusal::None);

  rawExecute("UPDATE enrolment_keys SET ke_sealed = zeroblob(length(ke_sealed))");
  Error e = errorOf([&] { store->findEnrolmentKey(key.relativeKeId); });
  EXPECT_EQ(e.code(), ErrorCode::Store);
  EXPECT_EQ(std::string(e.what()),
            "stored secret could not be decrypted (wrong key-encryption key, or the value was "
            "tampered with)");
  EXPECT_EQ(errorOf([&] { store->findEnrolmentKeyOf("a.example.com"); }).code(), ErrorCode::Store);
}

TEST_F(SqliteStoreSecurity, ASealedValueFlippedByOneBitFailsToOpen) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-1"));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(dbPath().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)> owner(db, &sqlite3_close_v2);
  sqlite3_stmt* raw = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT kpm_sealed FROM enrolees", -1, &raw, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> select(raw, &sqlite3_finalize);
  ASSERT_EQ(sqlite3_step(raw), SQLITE_ROW);
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(raw, 0));
  crypto::Bytes sealed(p, p + sqlite3_column_bytes(raw, 0));
  select.reset();
  sealed[sealed.size() / 2] ^= 0x01;
  ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE enrolees SET kpm_sealed = ?1", -1, &raw, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> update(raw, &sqlite3_finalize);
  sqlite3_bind_blob(raw, 1, sealed.data(), static_cast<int>(sealed.size()), SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(raw), SQLITE_DONE);

  EXPECT_EQ(errorOf([&] { store->findEnrolee("a.example.com"); }).code(), ErrorCode::Store);
  EXPECT_EQ(errorOf([&] { store->findEnroleeByKpmId("kpm-1"); }).code(), ErrorCode::Store);
  EXPECT_EQ(errorOf([&] { store->listEnrolees(); }).code(), ErrorCode::Store);
}

TEST_F(SqliteStoreSecurity, ASealedValueCopiedToAnotherRowFailsToOpen) {
  auto store = open();
  store->addEnrolee(sampleEnrolee("a.example.com", "kpm-a"));
  store->addEnrolee(sampleEnrolee("b.example.com", "kpm-b"));
  EnrolmentKey keyA = sampleKey("a.example.com");
  EnrolmentKey keyB = sampleKey("b.example.com");
  ASSERT_EQ(store->commitEnrolment(keyA, std::nullopt, kT0), TokenRefusal::None);
  ASSERT_EQ(store->commitEnrolment(keyB, std::nullopt, kT0), TokenRefusal::None);

  rawExecute(
      "UPDATE enrolees SET kpm_sealed = (SELECT kpm_sealed FROM enrolees WHERE enrolee_id = "
      "'a.example.com') WHERE enrolee_id = 'b.example.com'");
  EXPECT_TRUE(store->findEnrolee("a.example.com"));
  EXPECT_EQ(errorOf([&] { store->findEnrolee("b.example.com"); }).code(), ErrorCode::Store);

  // Ke moved into the Kre column of the same row.
  rawExecute("UPDATE enrolment_keys SET kre_sealed = ke_sealed WHERE enrolee_id = 'a.example.com'");
  EXPECT_EQ(errorOf([&] { store->findEnrolmentKey(keyA.relativeKeId); }).code(), ErrorCode::Store);
  EXPECT_TRUE(store->findEnrolmentKey(keyB.relativeKeId));
}

}  // namespace
}  // namespace rspf::store
