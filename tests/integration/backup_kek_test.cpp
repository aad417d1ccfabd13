// Backup, restore and KEK rotation with the real `rspf admin` (issue 13 item 4): a backup is a new
// 0600 file that opens with the same KEK and whose audit chain verifies; restoring it is copying it
// back; `kek rotate` re-seals every secret and re-chains the audit log in one transaction, so a
// failure part way leaves the store working under the old KEK; a store others may read is refused.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "common/child_process.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "store/open/open_store.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

namespace rspf::testing {
namespace {

class BackupAndKek : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir / "mef.toml")
        << "[mef]\nfqdn = \"mef.test.example\"\n\n[store]\nsqlite = \"mef.db\"\nkek_file = \"kek\"\n";
    ASSERT_EQ(admin({"init"}).exitCode, 0);
    ASSERT_EQ(admin({"enrolee", "add", "ae1.test.example", "--kpm-id", "ae1-kpm"}).exitCode, 0);
    ASSERT_EQ(admin({"enrolee", "add", "ae2.test.example", "--kpm-id", "ae2-kpm"}).exitCode, 0);
    ASSERT_EQ(admin({"ca", "init", "--permitted-dns", "test.example"}).exitCode, 0);
  }
  ProcessResult admin(std::vector<std::string> args) {
    args.insert(args.begin(), {RSPF_BINARY, "admin", "--config", (dir / "mef.toml").string()});
    return runProcess(args);
  }
  ProcessResult adminOn(const std::filesystem::path& store, const std::filesystem::path& kek,
                        std::vector<std::string> args) {
    args.insert(args.begin(), {RSPF_BINARY, "admin", "--store", store.string(), "--kek-file", kek.string()});
    return runProcess(args);
  }
  static unsigned mode(const std::filesystem::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 0777;
  }
  // Every kind of sealed secret opens under `kek`: Kpm (findEnrolee) and the CA's key.
  static void expectSecretsOpen(const std::filesystem::path& file, const std::filesystem::path& kek) {
    auto key = store::KeyEncryptionKey::fromFile(kek);
    auto store = store::openSqliteStore(file, key);
    for (auto id : {"ae1.test.example", "ae2.test.example"}) {
      auto enrolee = store->findEnrolee(id);
      ASSERT_TRUE(enrolee) << id;
      EXPECT_EQ(enrolee->kpm.size(), 32u);
    }
    EXPECT_TRUE(procedures::loadCertificateAuthority(*store, key, ""));
    EXPECT_TRUE(store->verifyAudit().intact);
  }
  TempDir dir;
};

TEST_F(BackupAndKek, ABackupIsPrivateVerifiesAndRestores) {
  auto r = admin({"backup", "--out", (dir / "backup.db").string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(mode(dir / "backup.db"), 0600u);
  EXPECT_FALSE(std::filesystem::exists(dir / "backup.db-wal")) << "a backup is one file";
  auto verified = adminOn(dir / "backup.db", dir / "kek", {"audit", "verify"});
  EXPECT_EQ(verified.exitCode, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("audit log intact"), std::string::npos);
  expectSecretsOpen(dir / "backup.db", dir / "kek");
  // Never over an existing file.
  r = admin({"backup", "--out", (dir / "backup.db").string()});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("never overwrites"), std::string::npos) << r.err;

  // Restore (docs/operations.md): with the MEF stopped, the backup replaces the store file.
  ASSERT_EQ(admin({"enrolee", "remove", "ae2.test.example"}).exitCode, 0);
  std::filesystem::remove(dir / "mef.db-wal");
  std::filesystem::remove(dir / "mef.db-shm");
  std::filesystem::copy_file(dir / "backup.db", dir / "mef.db", std::filesystem::copy_options::overwrite_existing);
  auto list = admin({"enrolee", "list", "--json"});
  ASSERT_EQ(list.exitCode, 0) << list.err;
  EXPECT_EQ(nlohmann::json::parse(list.out).size(), 2u) << "the restored store has ae2 again";
}

TEST_F(BackupAndKek, AStoreOrBackupOthersMayReadIsRefused) {
  ASSERT_EQ(admin({"backup", "--out", (dir / "backup.db").string()}).exitCode, 0);
  ::chmod((dir / "backup.db").c_str(), 0640);
  auto r = adminOn(dir / "backup.db", dir / "kek", {"audit", "verify"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("is accessible by group or others; run: chmod 600"), std::string::npos) << r.err;
  ::chmod((dir / "mef.db").c_str(), 0604);
  EXPECT_EQ(admin({"enrolee", "list"}).exitCode, 1);
}

TEST_F(BackupAndKek, RotationReSealsEverySecretAndIsAudited) {
  auto r = admin({"kek", "rotate", "--new-kek-file", (dir / "kek.new").string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(mode(dir / "kek.new"), 0600u);
  expectSecretsOpen(dir / "mef.db", dir / "kek.new");
  auto old = adminOn(dir / "mef.db", dir / "kek", {"enrolee", "list"});
  EXPECT_EQ(old.exitCode, 1);
  EXPECT_NE(old.err.find("key-encryption key does not match"), std::string::npos) << old.err;
  auto tail = adminOn(dir / "mef.db", dir / "kek.new", {"audit", "tail", "-n", "1", "--json"});
  ASSERT_EQ(tail.exitCode, 0) << tail.err;
  auto last = nlohmann::json::parse(tail.out).at(0);
  EXPECT_EQ(last["action"], "admin.kek.rotate");
  EXPECT_NE(last["detail"].get<std::string>().find("3 secrets re-sealed"), std::string::npos) << last.dump();
}

TEST_F(BackupAndKek, ARotationThatFailsPartWayLeavesTheOldKekWorking) {
  // ae2's sealed Kpm no longer opens: the rotation reaches it after re-sealing ae1's, and must undo that.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "mef.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE enrolees SET kpm_sealed = zeroblob(60) WHERE enrolee_id = 'ae2.test.example'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto r = admin({"kek", "rotate", "--new-kek-file", (dir / "kek.new").string()});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("could not be decrypted"), std::string::npos) << r.err;
  auto key = store::KeyEncryptionKey::fromFile(dir / "kek");
  auto store = store::openSqliteStore(dir / "mef.db", key);
  auto ae1 = store->findEnrolee("ae1.test.example");
  ASSERT_TRUE(ae1);
  EXPECT_EQ(ae1->kpm.size(), 32u);
  EXPECT_TRUE(procedures::loadCertificateAuthority(*store, key, ""));
  EXPECT_TRUE(store->verifyAudit().intact);
  EXPECT_THROW(store::openSqliteStore(dir / "mef.db", store::KeyEncryptionKey::fromFile(dir / "kek.new")), Error);
}

}  // namespace
}  // namespace rspf::testing
