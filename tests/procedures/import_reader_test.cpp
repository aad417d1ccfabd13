// The bulk import's streaming side (issue 14 item 6): the readers cut rows out of a stream one at
// a time (CSV records, JSON array elements, each parsed strictly) and refuse a malformed document
// or an oversized row; the importer stores a batch at a time, each Enrolee whole or not at all.
#include <gtest/gtest.h>

#include <fstream>

#include "admin/administration.hpp"
#include "admin/csv_table.hpp"
#include "admin/enrolee_import.hpp"
#include "admin/import_reader.hpp"
#include "common/error.hpp"
#include "crypto/primitives.hpp"
#include "store/open/open_store.hpp"
#include "support/expectations.hpp"
#include "support/temp_dir.hpp"

namespace rspf::admin {
namespace {

using rspf::testing::expectError;

std::vector<ImportRow> rowsOf(std::string_view text, ImportFormat format) { return parseImportRows(text, format); }

TEST(ImportReader, JsonElementsAreCutOutsideStringsAndNestedValues) {
  auto rows = rowsOf(R"( [ {"enroleeId": "a,]}", "policy": {"directKeys": [{"targetId": "t", "usage": "SAEF"}]}},
      {"enroleeId": "quote \" and \\ and ]"} ,
      7, "text", [1, 2], null ] )",
                     ImportFormat::Json);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].fields["enroleeId"], "a,]}");
  EXPECT_EQ(rows[0].fields["policy"]["directKeys"][0]["usage"], "SAEF");
  EXPECT_EQ(rows[1].fields["enroleeId"], "quote \" and \\ and ]");
  for (std::size_t i = 2; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].readError, "an Enrolee must be a JSON object") << i;
    EXPECT_EQ(rows[i].number, i + 1);
  }
  EXPECT_TRUE(rowsOf("[]", ImportFormat::Json).empty());
  EXPECT_TRUE(rowsOf(" [ \n ] \n", ImportFormat::Json).empty());
}

TEST(ImportReader, AMalformedJsonDocumentIsRefusedWithWhere) {
  expectError([] { rowsOf("[{\"enroleeId\": \"a\"},]", ImportFormat::Json); }, ErrorCode::BadRequest, "element 2");
  expectError([] { rowsOf("[{\"enroleeId\": \"a\"}] x", ImportFormat::Json); }, ErrorCode::BadRequest, "bytes follow");
  expectError([] { rowsOf("[{\"enroleeId\": \"a\"}", ImportFormat::Json); }, ErrorCode::BadRequest, "ends inside");
  expectError([] { rowsOf("[\"open", ImportFormat::Json); }, ErrorCode::BadRequest, "ends inside");
  expectError([] { rowsOf("[{\"a\": 1, \"a\": 2}]", ImportFormat::Json); }, ErrorCode::BadRequest, "element 1");
  expectError([] { rowsOf("[\"\xff\"]", ImportFormat::Json); }, ErrorCode::BadRequest, "element 1");
  expectError([] { rowsOf(std::string("[{}]\0", 5), ImportFormat::Json); }, ErrorCode::BadRequest, "bytes follow");
  expectError([] { rowsOf("[}]", ImportFormat::Json); }, ErrorCode::BadRequest, "closes");
  expectError([] { rowsOf("", ImportFormat::Json); }, ErrorCode::BadRequest, "empty");
  expectError([] { rowsOf("x", ImportFormat::Json); }, ErrorCode::BadRequest, "'['");
  expectError([] { rowsOf(std::string(100, '[') + std::string(100, ']'), ImportFormat::Json); }, ErrorCode::BadRequest,
              "deeply");
  std::string big = "[{\"enroleeId\": \"" + std::string(kMaxImportElementBytes, 'a') + "\"}]";
  expectError([&] { rowsOf(big, ImportFormat::Json); }, ErrorCode::BadRequest, "over 1024 KiB");
}

TEST(ImportReader, ACsvRecordOverItsBoundIsRefused) {
  std::string big = "enroleeId\n\"" + std::string(CsvReader::kMaxRecordBytes, 'a') + "\"\n";
  expectError([&] { rowsOf(big, ImportFormat::Csv); }, ErrorCode::BadRequest, "line 2 is over 1024 KiB");
  // Empty lines do not count towards a record.
  std::string spaced = "enroleeId\n" + std::string(CsvReader::kMaxRecordBytes / 2, '\n') + "x\n";
  auto rows = rowsOf(spaced, ImportFormat::Csv);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields["enroleeId"], "x");
}

// A document read from a file, row by row: the reader never holds more than a row.
TEST(ImportReader, RowsComeOneAtATimeFromAFile) {
  rspf::testing::TempDir dir;
  {
    std::ofstream out(dir / "in.csv");
    out << "enroleeId,kpmId\r\n";
    for (int i = 0; i < 5000; ++i) out << "ae" << i << ".test.example,kpm-" << i << "\r\n";
  }
  std::filebuf file;
  ASSERT_TRUE(file.open((dir / "in.csv").string(), std::ios::in | std::ios::binary));
  std::size_t count = 0;
  readImportRows(file, ImportFormat::Csv, [&](ImportRow row) {
    EXPECT_EQ(row.number, count + 1);
    EXPECT_EQ(row.fields["kpmId"], "kpm-" + std::to_string(count));
    ++count;
  });
  EXPECT_EQ(count, 5000u);
}

class EnroleeImporterTest : public ::testing::Test {
 protected:
  rspf::testing::TempDir dir;
  std::unique_ptr<store::Store> store =
      store::openSqliteStore(dir / "mef.db", store::KeyEncryptionKey(crypto::randomSecret(32)));
};

ImportRow csvRow(std::size_t number, std::string enroleeId, std::string kpmId) {
  return {number, {{"enroleeId", std::move(enroleeId)}, {"kpmId", std::move(kpmId)}}, ""};
}

TEST_F(EnroleeImporterTest, RowsAreStoredABatchAtATimeEachWholeOrNotAtAll) {
  std::vector<std::size_t> batches;
  std::vector<ImportRowResult> results;
  EnroleeImporter importer(
      *store,
      [&](std::vector<ImportRowResult>& batch) {
        batches.push_back(batch.size());
        // Stored when reported: the batch's imported rows are in the store.
        for (auto& row : batch) {
          EXPECT_EQ(row.imported, store->findEnrolee(row.enroleeId).has_value() &&
                                      store->findEnrolee(row.enroleeId)->kpmId == "kpm-" + std::to_string(row.number))
              << row.number;
          results.push_back(std::move(row));
        }
      },
      3);
  importer.add(csvRow(1, "ae1.test.example", "kpm-1"));
  importer.add(csvRow(2, "ae1.test.example", "kpm-2"));  // the same Enrolee-ID, in the same batch
  importer.add(csvRow(3, "bad id", "kpm-3"));
  importer.add(csvRow(4, "ae4.test.example", "kpm-1"));  // row 1's KpmId, in the next batch
  importer.add(ImportRow{5, nullptr, "line 6 has 3 fields, the header 2"});
  importer.add(csvRow(6, "ae6.test.example", "kpm-6"));
  importer.add(csvRow(7, "ae7.test.example", "kpm-7"));
  EXPECT_EQ(batches, (std::vector<std::size_t>{3, 3}));
  importer.finish();
  EXPECT_EQ(batches, (std::vector<std::size_t>{3, 3, 1}));

  ASSERT_EQ(results.size(), 7u);
  EXPECT_TRUE(results[0].imported);
  EXPECT_TRUE(results[0].generatedKpm);  // a KpmId without a Kpm: generated, to be shown once
  EXPECT_NE(results[1].reason.find("already exists"), std::string::npos) << results[1].reason;
  EXPECT_FALSE(results[1].generatedKpm);  // refused by the store: nothing to provision
  EXPECT_FALSE(results[2].imported);
  EXPECT_NE(results[3].reason.find("KpmId 'kpm-1'"), std::string::npos) << results[3].reason;
  EXPECT_EQ(results[4].reason, "line 6 has 3 fields, the header 2");
  EXPECT_TRUE(results[5].imported);
  EXPECT_TRUE(results[6].imported);
  EXPECT_EQ(importer.imported(), 3u);
  EXPECT_EQ(importer.rejected(), 4u);
  EXPECT_EQ(store->listEnrolees().size(), 3u);
}

}  // namespace
}  // namespace rspf::admin
