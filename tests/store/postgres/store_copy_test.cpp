// `rspf admin store copy`: an SQLite store copied into PostgreSQL, row for row (store/store_copy.hpp).
#include "store/store_copy.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "../store_test_support.hpp"
#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "store/open/open_store.hpp"
#include "support/postgres_cluster.hpp"

namespace rspf::store {
namespace {

using rspf::testing::PostgresCluster;
using testing::kT0;
using testing::sameBytes;
using testing::sampleEnrolee;
using testing::sampleKey;
using testing::sampleToken;

std::string databaseOf(const std::string& url) {
  auto at = url.find("dbname=") + 7;
  return url.substr(at, url.find(' ', at) - at);
}

std::string sqliteHex(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* raw = nullptr;
  sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(raw, sql.c_str(), -1, &s, nullptr);
  std::string out;
  if (sqlite3_step(s) == SQLITE_ROW) {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, 0));
    out = crypto::toHex(crypto::ByteView(p, static_cast<std::size_t>(sqlite3_column_bytes(s, 0))));
  }
  sqlite3_finalize(s);
  sqlite3_close_v2(raw);
  return out;
}

class StoreCopy : public ::testing::Test {
 protected:
  std::filesystem::path source() const { return dir / "mef.db"; }
  KeyEncryptionKey kek() const { return KeyEncryptionKey(kekBytes); }

  void fillSource() {
    auto s = openSqliteStore(source(), kek());
    enrolee = sampleEnrolee("a.example.com", "kpm-a");
    enrolee.bootstrapIdentities = {{"gba", "impi-a@ims.example", "a.example.com", "", kT0}};
    s->addEnrolee(enrolee);
    s->addEnrolee(sampleEnrolee("b.example.com", ""));
    s->addToken(sampleToken("t1", "value-1"));
    s->addToken(sampleToken("t2", "value-2"));
    old = sampleKey("a.example.com");
    ASSERT_EQ(s->commitEnrolment(old, std::nullopt, kT0), TokenRefusal::None);
    key = sampleKey("a.example.com");
    ASSERT_EQ(
        s->commitEnrolment(key, TokenUse{crypto::sha256(crypto::asBytes("value-1"))}, kT0, std::chrono::seconds(600)),
        TokenRefusal::None);
    s->addTarget({"cse1.example.com", "CSE", kT0});
    s->addCertificateAuthority({"", {1, 2, 3}, {4, 5, 6}, kT0});
    s->recordIssuedCertificate({"0a1b",
                                "",
                                "a.example.com",
                                "a.example.com",
                                kT0,
                                kT0 + std::chrono::hours(1),
                                kT0,
                                {7, 8},
                                std::nullopt,
                                ""});
    ASSERT_TRUE(s->revokeCertificate("0a1b", "keyCompromise", kT0));
    s->holdCertificateRequest({"b.example.com", "", "abcd", {9}, kT0, false});
    for (int i = 0; i < 5; ++i) s->appendAudit({0, kT0, "admin", "test", "s" + std::to_string(i), "success", ""});
    s->flushAudit();
  }

  PostgresCluster& cluster = PostgresCluster::shared();
  std::string url = cluster.createDatabase();
  testing::TempDir dir;
  crypto::SecretBytes kekBytes = crypto::randomSecret(32);
  Enrolee enrolee;
  EnrolmentKey old, key;
};

TEST_F(StoreCopy, EveryRowArrivesSealedSecretsStaySealedAndTheAuditChainVerifies) {
  fillSource();
  std::size_t lastDone = 0, lastTotal = 0;
  auto report = copySqliteToPostgres(source(), url, kek(), [&](std::size_t done, std::size_t total) {
    EXPECT_GE(done, lastDone);
    lastDone = done;
    lastTotal = total;
  });
  EXPECT_EQ(lastDone, report.rows);
  EXPECT_EQ(lastTotal, report.rows);
  EXPECT_TRUE(report.copiedAudit.intact) << report.copiedAudit.problem;
  EXPECT_GE(report.copiedAudit.entries, 5u);
  EXPECT_EQ(report.copiedAudit.entries, report.sourceAudit.entries);

  // The sealed bytes are the very bytes of the original: nothing was unsealed on the way.
  EXPECT_EQ(cluster.sql(databaseOf(url),
                        "SELECT encode(kpm_sealed, 'hex') FROM enrolees WHERE enrolee_id = "
                        "'a.example.com'"),
            sqliteHex(source(), "SELECT kpm_sealed FROM enrolees WHERE enrolee_id = 'a.example.com'") + "\n");

  auto copy = openPostgresStore(url, 2, kek());
  auto a = copy->findEnrolee("a.example.com");
  ASSERT_TRUE(a);
  EXPECT_TRUE(sameBytes(a->kpm, enrolee.kpm));
  EXPECT_EQ(a->policy, enrolee.policy);
  EXPECT_TRUE(copy->findEnrolee("b.example.com"));
  EXPECT_TRUE(copy->findEnrolee("b.example.com")->kpmId.empty());
  auto current = copy->findEnrolmentKey(key.relativeKeId);
  ASSERT_TRUE(current);
  EXPECT_FALSE(current->retired);
  EXPECT_TRUE(sameBytes(current->ke, key.ke));
  EXPECT_TRUE(sameBytes(current->kre, key.kre));
  EXPECT_EQ(current->tokenId, "t1");
  auto retired = copy->findEnrolmentKey(old.relativeKeId);
  ASSERT_TRUE(retired);
  EXPECT_TRUE(retired->retired);
  EXPECT_TRUE(copy->findToken("t1")->usedAt);
  EXPECT_FALSE(copy->findToken("t2")->usedAt);
  EXPECT_TRUE(copy->findTarget("cse1.example.com"));
  EXPECT_EQ(copy->findCertificateAuthority("")->sealedPrivateKey, (crypto::Bytes{4, 5, 6}));
  EXPECT_EQ(copy->listRevokedCertificates("").size(), 1u);
  EXPECT_EQ(copy->findPendingCertificateRequest("b.example.com")->csrDer, crypto::Bytes{9});
  EXPECT_EQ(copy->findBootstrapIdentity("gba", "impi-a@ims.example")->enroleeId, "a.example.com");
  // The copy goes on from where the original stopped.
  copy->appendAudit({0, kT0, "admin", "after", "copy", "success", ""});
  copy->flushAudit();
  auto v = copy->verifyAudit();
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.entries, report.copiedAudit.entries + 1);
}

TEST_F(StoreCopy, ADestinationWithDataOrAnotherKekIsRefusedAndKeepsWhatItHad) {
  fillSource();
  copySqliteToPostgres(source(), url, kek(), nullptr);
  const std::string before = cluster.sql(databaseOf(url), "SELECT count(*) FROM enrolees");
  try {
    copySqliteToPostgres(source(), url, kek(), nullptr);
    ADD_FAILURE() << "copied into a store that has data";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Conflict);
    EXPECT_NE(std::string(e.what()).find("not empty"), std::string::npos) << e.what();
  }
  EXPECT_EQ(cluster.sql(databaseOf(url), "SELECT count(*) FROM enrolees"), before);

  const std::string other = cluster.createDatabase();
  openPostgresStore(other, 1, KeyEncryptionKey(crypto::randomSecret(32)));
  try {
    copySqliteToPostgres(source(), other, kek(), nullptr);
    ADD_FAILURE() << "copied into a store with another KEK";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Config);
  }
  EXPECT_EQ(cluster.sql(databaseOf(other), "SELECT count(*) FROM enrolees"), "0\n");
}

TEST_F(StoreCopy, AnAuditLogEditedBeforeTheCopyIsStillFoundInTheCopy) {
  fillSource();
  {
    sqlite3* raw = nullptr;
    sqlite3_open_v2(source().c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
    ASSERT_EQ(sqlite3_exec(raw, "UPDATE audit_log SET outcome = 'edited' WHERE seq = 2", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close_v2(raw);
  }
  auto report = copySqliteToPostgres(source(), url, kek(), nullptr);
  EXPECT_FALSE(report.sourceAudit.intact);
  EXPECT_FALSE(report.copiedAudit.intact);
  EXPECT_EQ(report.copiedAudit.firstBadSeq, 2u);
  EXPECT_FALSE(openPostgresStore(url, 1, kek())->verifyAudit().intact);
}

TEST_F(StoreCopy, AnArchivedAuditLogArrivesWithItsCheckpointAndGoesOnVerifying) {
  fillSource();
  {
    auto s = openSqliteStore(source(), kek());
    auto segment = s->auditSegmentBefore(kT0 + std::chrono::seconds(1), 3);
    ASSERT_EQ(segment.entries.size(), 3u);
    s->trimAudit(segment);
  }
  auto report = copySqliteToPostgres(source(), url, kek(), nullptr);
  EXPECT_TRUE(report.copiedAudit.intact) << report.copiedAudit.problem;
  EXPECT_EQ(report.copiedAudit.entries, report.sourceAudit.entries);
  auto copy = openPostgresStore(url, 1, kek());
  EXPECT_EQ(copy->auditSegmentBefore(kT0 + std::chrono::hours(1), 100).start.seq, 3u);
  copy->appendAudit({0, kT0, "admin", "after", "copy", "success", ""});
  copy->flushAudit();
  EXPECT_TRUE(copy->verifyAudit().intact);
  EXPECT_EQ(copy->tailAudit(1).front().seq, 6u);
}

}  // namespace
}  // namespace rspf::store
