// Bulk import of Enrolees (issue 5 item 6): good rows are imported whole, bad rows are rejected
// with their row number and reason and leave no trace, against a real SQLite store.
#include <gtest/gtest.h>

#include <algorithm>

#include "admin/administration.hpp"
#include "admin/csv_table.hpp"
#include "admin/enrolee_import.hpp"
#include "common/error.hpp"
#include "crypto/primitives.hpp"
#include "store/open/open_store.hpp"
#include "support/expectations.hpp"
#include "support/temp_dir.hpp"

namespace rspf::admin {
namespace {

using rspf::testing::expectError;

class EnroleeImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store = store::openSqliteStore(dir / "mef.db", store::KeyEncryptionKey(crypto::randomSecret(32)));
    addEnrolee(*store, {"existing.test.example", "existing-kpm", std::nullopt, {}});
    addTarget(*store, "cse1.test.example", "CSE");
    addTarget(*store, "cse2.test.example", "CSE");
  }

  std::vector<std::string> enroleeIds() {
    std::vector<std::string> ids;
    for (const auto& e : store->listEnrolees()) ids.push_back(e.enroleeId);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static bool mentions(const ImportRowResult& row, std::string_view text) {
    return row.reason.find(text) != std::string::npos;
  }

  rspf::testing::TempDir dir;
  std::unique_ptr<store::Store> store;
};

TEST(CsvTable, QuotedFieldsMayHoldCommasQuotesAndLineBreaks) {
  auto records = parseCsv("a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n,,\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"x,1", "say \"hi\"", "two\nlines"}));
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(records[2].fields, (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ(records[2].line, 5u);
  expectError([] { parseCsv("a\n\"open"); }, ErrorCode::BadRequest, "not closed");
}

TEST_F(EnroleeImportTest, CsvGoodRowsImportedBadRowsRejectedWithTheirReasonAndNoTrace) {
  const std::string csv =
      "enroleeId,kpmId,kpmHex,rawPublicKey,gbaImpi,expiry,token,directKeys\n"
      "ae1.test.example,ae1-kpm,,,,12h,required,cse1.test.example:SAEF;cse2.test.example:ESData\n"
      "ae2.test.example,,,,impi-2@ims.test.example,,,\n"
      "existing.test.example,other-kpm,,,,,,\n"                  // duplicate Enrolee-ID
      "ae4.test.example,kpm \xc3\xa9,,,,,,\n"                    // bad KpmId
      "ae5.test.example,,,ni:///sha-256;!!!,,,,\n"               // malformed ni
      "ae6.test.example,ae6-kpm,,,,,,cse1:FOO\n"                 // unknown usage
      "ae7.test.example,ae7-kpm,,,impi-2@ims.test.example,,,\n"  // its IMPI is ae2's: refused in the store
      "ae8.test.example,ae8-kpm,00112233,,,,,\n"                 // Kpm too short
      "ae9.test.example,too,many,fields,,,,,,\n"                 // field count
      "ae10.test.example,ae10-kpm,00112233445566778899aabbccddeeff,,,,optional,\n";
  std::vector<std::pair<std::size_t, std::size_t>> progress;
  auto report = importEnrolees(*store, parseImportRows(csv, ImportFormat::Csv),
                               [&](std::size_t done, std::size_t total) { progress.emplace_back(done, total); });

  ASSERT_EQ(report.rows.size(), 10u);
  EXPECT_EQ(report.imported(), 3u);
  EXPECT_EQ(report.rejected(), 7u);
  ASSERT_EQ(progress.size(), 1u);  // after each stored batch: one here
  EXPECT_EQ(progress.back(), (std::pair<std::size_t, std::size_t>{10, 10}));
  for (std::size_t i = 0; i < report.rows.size(); ++i) EXPECT_EQ(report.rows[i].number, i + 1);

  EXPECT_TRUE(report.rows[0].imported);
  EXPECT_TRUE(report.rows[0].generatedKpm);
  EXPECT_TRUE(report.rows[1].imported);
  EXPECT_FALSE(report.rows[1].generatedKpm);  // no KpmId: nothing to generate
  EXPECT_TRUE(mentions(report.rows[2], "already exists")) << report.rows[2].reason;
  EXPECT_TRUE(mentions(report.rows[3], "KpmId")) << report.rows[3].reason;
  EXPECT_TRUE(mentions(report.rows[4], "ni")) << report.rows[4].reason;
  EXPECT_TRUE(mentions(report.rows[5], "FOO")) << report.rows[5].reason;
  EXPECT_FALSE(report.rows[6].imported);
  EXPECT_TRUE(mentions(report.rows[7], "16 bytes")) << report.rows[7].reason;
  EXPECT_TRUE(mentions(report.rows[8], "fields")) << report.rows[8].reason;
  EXPECT_TRUE(report.rows[9].imported);
  EXPECT_FALSE(report.rows[9].generatedKpm);  // given, not generated

  EXPECT_EQ(enroleeIds(), (std::vector<std::string>{"ae1.test.example", "ae10.test.example", "ae2.test.example",
                                                    "existing.test.example"}));
  auto ae1 = store->findEnrolee("ae1.test.example");
  ASSERT_TRUE(ae1);
  EXPECT_EQ(ae1->policy.enrolmentExpiry, std::chrono::hours(12));
  EXPECT_EQ(ae1->policy.token, store::TokenRequirement::Required);
  EXPECT_EQ(ae1->policy.directKeys.size(), 2u);
  // Nothing half-imported: ae7's Enrolee row is gone with its refused identity, and the existing
  // Enrolee keeps its KpmId.
  EXPECT_FALSE(store->findEnrolee("ae7.test.example"));
  EXPECT_FALSE(store->findEnroleeByKpmId("ae7-kpm"));
  EXPECT_FALSE(store->findEnroleeByKpmId("other-kpm"));
  auto gba = store->findBootstrapIdentity("gba", "impi-2@ims.test.example");
  ASSERT_TRUE(gba);
  EXPECT_EQ(gba->enroleeId, "ae2.test.example");

  auto described = describeImportReport(report);
  EXPECT_EQ(described["imported"], 3);
  EXPECT_EQ(described["rows"][0]["kpm"].get<std::string>().size(), 64u);
  EXPECT_FALSE(described["rows"][2].contains("kpm"));
  EXPECT_EQ(described["rows"][2]["enroleeId"], "existing.test.example");
}

TEST_F(EnroleeImportTest, JsonArrayRowsWithPolicyDocuments) {
  const std::string json = R"([
    {"enroleeId": "ae1.test.example", "kpmId": "ae1-kpm",
     "policy": {"directKeys": [{"targetId": "cse1.test.example", "usage": "ESPrim"}], "enrolmentExpiry": "1d",
                "certificate": {"subjectType": "ae", "usages": ["SAEF"], "requireApproval": true}}},
    {"enroleeId": "ae2.test.example", "kpmId": "ae2-kpm", "directKeys": ["cse1.test.example:SAEF"]},
    "not an object",
    {"enroleeId": "ae4.test.example", "kpmId": "ae4-kpm", "colour": "blue"},
    {"enroleeId": "ae5.test.example", "kpmId": "ae5-kpm", "policy": {}, "expiry": "1d"},
    {"kpmId": "ae6-kpm"}
  ])";
  auto report = importEnrolees(*store, parseImportRows(json, ImportFormat::Json));
  ASSERT_EQ(report.rows.size(), 6u);
  EXPECT_TRUE(report.rows[0].imported) << report.rows[0].reason;
  EXPECT_TRUE(report.rows[1].imported) << report.rows[1].reason;
  EXPECT_TRUE(mentions(report.rows[2], "JSON object"));
  EXPECT_TRUE(mentions(report.rows[3], "colour"));
  EXPECT_TRUE(mentions(report.rows[4], "not both"));
  EXPECT_TRUE(mentions(report.rows[5], "enroleeId"));
  auto ae1 = store->findEnrolee("ae1.test.example");
  ASSERT_TRUE(ae1 && ae1->policy.certificate);
  EXPECT_TRUE(ae1->policy.certificate->requireApproval);
  EXPECT_EQ(ae1->policy.enrolmentExpiry, std::chrono::hours(24));
  EXPECT_EQ(store->listEnrolees().size(), 3u);
}

TEST_F(EnroleeImportTest, ADirectKeyPairNamingAnUnregisteredTargetIsRefusedWithTheRowsReason) {
  auto report = importEnrolees(*store, parseImportRows("enroleeId,kpmId,directKeys\n"
                                                       "ae1.test.example,ae1-kpm,cse1.test.example:SAEF\n"
                                                       "ae2.test.example,ae2-kpm,cse9.test.example:SAEF\n",
                                                       ImportFormat::Csv));
  ASSERT_EQ(report.rows.size(), 2u);
  EXPECT_TRUE(report.rows[0].imported) << report.rows[0].reason;
  EXPECT_FALSE(report.rows[1].imported);
  EXPECT_TRUE(mentions(report.rows[1], "Enrolment Target 'cse9.test.example', which is not registered"))
      << report.rows[1].reason;
  EXPECT_FALSE(store->findEnrolee("ae2.test.example"));
  EXPECT_FALSE(store->findEnroleeByKpmId("ae2-kpm"));
}

TEST_F(EnroleeImportTest, UnreadableDocumentsAreRefusedWhole) {
  expectError([] { parseImportRows("{\"enroleeId\": \"x\"}", ImportFormat::Json); }, ErrorCode::BadRequest, "array");
  expectError([] { parseImportRows("[", ImportFormat::Json); }, ErrorCode::BadRequest, "JSON");
  expectError([] { parseImportRows("enroleeId,colour\nx,blue\n", ImportFormat::Csv); }, ErrorCode::BadRequest,
              "colour");
  expectError([] { parseImportRows("kpmId\nx\n", ImportFormat::Csv); }, ErrorCode::BadRequest, "enroleeId");
  expectError([] { parseImportRows("", ImportFormat::Csv); }, ErrorCode::BadRequest, "header");
  EXPECT_EQ(store->listEnrolees().size(), 1u);
}

}  // namespace
}  // namespace rspf::admin
