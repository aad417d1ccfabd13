// `rspf admin` as a user runs it: readable output, --json for scripts, clear errors, files 0600.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

#include "common/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

namespace rspf::testing {
namespace {

class AdminCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir / "mef.toml")
        << "[mef]\nfqdn = \"mef.test.example\"\n\n[store]\nsqlite = \"mef.db\"\nkek_file = \"kek\"\n";
  }
  ProcessResult admin(std::vector<std::string> args) {
    args.insert(args.begin(), {RSPF_BINARY, "admin", "--config", (dir / "mef.toml").string()});
    return runProcess(args);
  }
  nlohmann::json adminJson(std::vector<std::string> args) {
    args.push_back("--json");
    auto r = admin(args);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
  static unsigned mode(const std::filesystem::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 0777;
  }
  TempDir dir;
};

TEST_F(AdminCli, InitCreatesTheStoreAndKeyEncryptionKeyPrivately) {
  auto r = admin({"init"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(mode(dir / "mef.db"), 0600u);
  EXPECT_EQ(mode(dir / "kek"), 0600u);
  EXPECT_NE(r.out.find("schema version"), std::string::npos);
}

TEST_F(AdminCli, CommandsBeforeInitSayHowToCreateTheStore) {
  auto r = admin({"enrolee", "list"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("rspf admin init"), std::string::npos) << r.err;
}

TEST_F(AdminCli, EnroleeLifecycle) {
  ASSERT_EQ(admin({"init"}).exitCode, 0);
  auto added =
      adminJson({"enrolee", "add", "ae1.test.example", "--kpm-id", "ae1-kpm", "--direct-key", "cse1.test.example:SAEF",
                 "--registrar-cse-id", "cse1.test.example", "--expiry", "12h", "--token", "required"});
  ASSERT_TRUE(added.contains("kpm"));
  EXPECT_EQ(added["kpm"].get<std::string>().size(), 64u);

  auto list = adminJson({"enrolee", "list"});
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["enroleeId"], "ae1.test.example");
  EXPECT_FALSE(list[0].contains("kpm"));
  EXPECT_EQ(list.dump().find(added["kpm"].get<std::string>()), std::string::npos);
  EXPECT_EQ(list[0]["policy"]["enrolmentExpiry"], "12h");
  EXPECT_EQ(list[0]["policy"]["token"], "required");
  EXPECT_EQ(list[0]["policy"]["directKeys"][0]["usage"], "SAEF");

  // A given Kpm is not printed.
  std::ofstream(dir / "k.kpm") << std::string(32, '7') << "\n";
  std::filesystem::permissions(dir / "k.kpm", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto given =
      adminJson({"enrolee", "add", "ae2.test.example", "--kpm-id", "ae2-kpm", "--kpm-file", (dir / "k.kpm").string()});
  EXPECT_FALSE(given.contains("kpm"));

  EXPECT_EQ(admin({"enrolee", "disable", "ae1.test.example"}).exitCode, 0);
  EXPECT_EQ(adminJson({"enrolee", "show", "ae1.test.example"})["enabled"], false);
  auto readable = admin({"enrolee", "show", "ae1.test.example"});
  EXPECT_NE(readable.out.find("DISABLED"), std::string::npos) << readable.out;
  EXPECT_EQ(admin({"enrolee", "enable", "ae1.test.example"}).exitCode, 0);

  auto policy = adminJson({"enrolee", "policy", "ae1.test.example", "--clear-direct-keys", "--direct-key",
                           "cse2.test.example:ESData", "--token", "optional"});
  EXPECT_EQ(policy["directKeys"].size(), 1u);
  EXPECT_EQ(policy["directKeys"][0]["targetId"], "cse2.test.example");
  EXPECT_EQ(policy["token"], "optional");
  EXPECT_EQ(policy["enrolmentApproval"], "none");
  EXPECT_EQ(
      adminJson({"enrolee", "policy", "ae1.test.example", "--enrolment-approval", "webhook"})["enrolmentApproval"],
      "webhook");

  // Certificate Enrolment held for approval, and released again.
  auto held = adminJson({"enrolee", "policy", "ae1.test.example", "--certificate-type", "ae", "--certificate-usage",
                         "SAEF", "--certificate-approval", "required"});
  EXPECT_EQ(held["certificate"]["requireApproval"], true) << held.dump();
  auto released = adminJson({"enrolee", "policy", "ae1.test.example", "--certificate-approval", "none"});
  EXPECT_EQ(released["certificate"]["requireApproval"], false) << released.dump();

  EXPECT_EQ(admin({"enrolee", "remove", "ae2.test.example"}).exitCode, 0);
  EXPECT_EQ(adminJson({"enrolee", "list"}).size(), 1u);
}

TEST_F(AdminCli, ClearErrorsChangeNothing) {
  ASSERT_EQ(admin({"init"}).exitCode, 0);
  ASSERT_EQ(admin({"enrolee", "add", "ae1.test.example", "--kpm-id", "ae1-kpm"}).exitCode, 0);
  auto dup = admin({"enrolee", "add", "ae1.test.example", "--kpm-id", "other-kpm"});
  EXPECT_EQ(dup.exitCode, 1);
  EXPECT_NE(dup.err.find("already exists"), std::string::npos) << dup.err;
  auto dupKpm = admin({"enrolee", "add", "ae9.test.example", "--kpm-id", "ae1-kpm"});
  EXPECT_NE(dupKpm.err.find("already registered"), std::string::npos) << dupKpm.err;
  auto badPair = admin({"enrolee", "add", "ae3.test.example", "--kpm-id", "ae3-kpm", "--direct-key", "cse1:MAF"});
  EXPECT_NE(badPair.err.find("SAEF, ESPrim or ESData"), std::string::npos) << badPair.err;
  auto noColon = admin({"enrolee", "add", "ae3.test.example", "--kpm-id", "ae3-kpm", "--direct-key", "cse1"});
  EXPECT_NE(noColon.err.find("TARGET-ID:USAGE"), std::string::npos) << noColon.err;
  auto nonAscii = admin({"enrolee", "add", "\xc3\xa9t\xc3\xa9", "--kpm-id", "x-kpm"});
  EXPECT_NE(nonAscii.err.find("ASCII"), std::string::npos) << nonAscii.err;
  std::ofstream(dir / "short.kpm") << "00112233\n";
  std::filesystem::permissions(dir / "short.kpm",
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::ofstream(dir / "open.kpm") << std::string(32, '7') << "\n";
  auto openKpm =
      admin({"enrolee", "add", "ae5.test.example", "--kpm-id", "ae5-kpm", "--kpm-file", (dir / "open.kpm").string()});
  EXPECT_NE(openKpm.err.find("accessible by group or others"), std::string::npos) << openKpm.err;
  auto shortKpm =
      admin({"enrolee", "add", "ae4.test.example", "--kpm-id", "ae4-kpm", "--kpm-file", (dir / "short.kpm").string()});
  EXPECT_NE(shortKpm.err.find("at least 16 bytes"), std::string::npos) << shortKpm.err;
  auto unknown = admin({"enrolee", "show", "nobody"});
  EXPECT_NE(unknown.err.find("no Enrolee 'nobody'"), std::string::npos);
  EXPECT_EQ(adminJson({"enrolee", "list"}).size(), 1u);
}

TEST_F(AdminCli, WrongKeyEncryptionKeyIsRefused) {
  ASSERT_EQ(admin({"init"}).exitCode, 0);
  std::filesystem::remove(dir / "kek");
  std::ofstream(dir / "kek") << std::string(64, '1') << "\n";
  std::filesystem::permissions(dir / "kek", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto r = admin({"enrolee", "list"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("key-encryption key does not match"), std::string::npos) << r.err;
}

TEST_F(AdminCli, TargetsAndTokens) {
  ASSERT_EQ(admin({"init"}).exitCode, 0);
  ASSERT_EQ(admin({"enrolee", "add", "ae1.test.example", "--kpm-id", "ae1-kpm"}).exitCode, 0);
  EXPECT_EQ(adminJson({"target", "add", "cse1.test.example"})["type"], "CSE");
  EXPECT_EQ(admin({"target", "add", "cse1.test.example"}).exitCode, 1);
  EXPECT_EQ(adminJson({"target", "list"})[0]["targetId"], "cse1.test.example");

  auto token = adminJson({"token", "create", "--enrolee", "ae1.test.example", "--aux", "site=3", "--expires", "7d"});
  auto value = token["token"].get<std::string>();
  EXPECT_GE(value.size(), 3u + 32u);
  auto tokens = adminJson({"token", "list"});
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0]["state"], "unused");
  EXPECT_EQ(tokens[0]["auxInfo"], "site=3");
  EXPECT_EQ(tokens.dump().find(value), std::string::npos);
  EXPECT_NE(admin({"token", "create", "--enrolee", "nobody"}).err.find("no Enrolee"), std::string::npos);
  EXPECT_EQ(admin({"token", "revoke", token["tokenId"].get<std::string>()}).exitCode, 0);
  EXPECT_EQ(adminJson({"token", "list"})[0]["state"], "revoked");
  EXPECT_EQ(admin({"target", "remove", "cse1.test.example"}).exitCode, 0);
  EXPECT_EQ(adminJson({"target", "list"}).size(), 0u);
}

TEST(RspfCli, HelpNamesEveryRole) {
  auto r = runProcess({RSPF_BINARY, "--help"});
  EXPECT_EQ(r.exitCode, 0);
  for (const char* role : {"mef", "target", "enrol", "connect", "admin", "demo"})
    EXPECT_NE(r.out.find(role), std::string::npos) << role;
}

TEST(RspfCli, DemoPassesEveryStep) {
  auto r = runProcess({RSPF_BINARY, "demo"}, "", std::chrono::seconds(60));
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("every step passed"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
}

TEST_F(AdminCli, BulkImportReportsEachRejectedRowAndImportsNothingHalf) {
  ASSERT_EQ(admin({"init"}).exitCode, 0);
  ASSERT_EQ(admin({"enrolee", "add", "existing.test.example", "--gba-impi", "impi-1@ims.test.example"}).exitCode, 0);
  ASSERT_EQ(admin({"target", "add", "cse1.test.example"}).exitCode, 0);
  std::ofstream(dir / "enrolees.csv") << "enroleeId,kpmId,gbaImpi,directKeys,expiry\n"
                                         "ae1.test.example,ae1-kpm,,cse1.test.example:SAEF,1d\n"
                                         "ae2.test.example,ae2-kpm,impi-1@ims.test.example,,\n"  // IMPI taken
                                         "ae3.test.example,ae3-kpm,,cse1.test.example:Nope,\n"
                                         "ae4.test.example,,impi-4@ims.test.example,,\n";
  auto r = admin({"enrolee", "import", (dir / "enrolees.csv").string()});
  EXPECT_EQ(r.exitCode, 1) << r.err;
  EXPECT_NE(r.err.find("row 2 (ae2.test.example) rejected:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("row 3 (ae3.test.example) rejected:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Nope"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("processed 4 of 4 rows"), std::string::npos) << r.err;  // not a terminal: a plain count
  EXPECT_NE(r.out.find("imported ae1.test.example"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Kpm (shown once"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 imported, 2 rejected"), std::string::npos) << r.out;

  auto list = adminJson({"enrolee", "list"});
  std::vector<std::string> ids;
  for (const auto& e : list) ids.push_back(e["enroleeId"]);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"ae1.test.example", "ae4.test.example", "existing.test.example"}));

  // JSON, all good: exit status 0; the report as JSON.
  std::ofstream(dir / "more.json") << R"([{"enroleeId": "ae5.test.example", "gbaImpi": "impi-5@ims.test.example"}])";
  auto json = admin({"enrolee", "import", (dir / "more.json").string(), "--json"});
  EXPECT_EQ(json.exitCode, 0) << json.err;
  EXPECT_EQ(nlohmann::json::parse(json.out)["imported"], 1);
  EXPECT_EQ(admin({"enrolee", "import", (dir / "enrolees.csv").string(), "--format", "json"}).exitCode, 1);
}

// Issue 14 item 6: the file is checked whole before anything is stored, then stored a batch (1000
// rows) at a time, with one audit entry per batch naming its rows.
TEST_F(AdminCli, BulkImportChecksTheWholeFileFirstThenStoresItInBatches) {
  ASSERT_EQ(admin({"init"}).exitCode, 0);
  std::string rows;
  for (int i = 0; i < 2500; ++i) rows += "ae" + std::to_string(i) + ".test.example,kpm-" + std::to_string(i) + "\n";
  std::ofstream(dir / "broken.csv") << "enroleeId,kpmId\n" << rows << "\"never closed,x\n";
  auto broken = admin({"enrolee", "import", (dir / "broken.csv").string()});
  EXPECT_NE(broken.exitCode, 0);
  EXPECT_NE(broken.err.find("line 2502 is not closed"), std::string::npos) << broken.err;
  EXPECT_EQ(adminJson({"enrolee", "list"}).size(), 0u);  // nothing before the error was stored either

  std::ofstream(dir / "good.csv") << "enroleeId,kpmId\n" << rows;
  auto good = admin({"enrolee", "import", (dir / "good.csv").string(), "--json"});
  ASSERT_EQ(good.exitCode, 0) << good.err;
  auto report = nlohmann::json::parse(good.out);
  EXPECT_EQ(report["imported"], 2500);
  ASSERT_EQ(report["rows"].size(), 2500u);
  EXPECT_EQ(report["rows"][2499]["enroleeId"], "ae2499.test.example");
  EXPECT_EQ(report["rows"][2499]["kpm"].get<std::string>().size(), 64u);
  EXPECT_NE(good.err.find("processed 1000 of 2500 rows"), std::string::npos) << good.err;
  EXPECT_EQ(adminJson({"enrolee", "list"}).size(), 2500u);
  std::vector<std::string> subjects;
  for (const auto& e : adminJson({"audit", "tail", "-n", "1000"}))
    if (e["action"] == "admin.enrolee.import") subjects.push_back(e["subject"]);
  EXPECT_EQ(subjects, (std::vector<std::string>{"1000 imported, 0 rejected (rows 1-1000 of 2500)",
                                                "1000 imported, 0 rejected (rows 1001-2000 of 2500)",
                                                "500 imported, 0 rejected (rows 2001-2500 of 2500)"}));
}

// Issue 9 item 6: `--expiry 12725829d` overflowed to year -28667 and an oversized Kpm was accepted.
TEST_F(AdminCli, DurationsAndKeySizesAreBoundedAndRefusalsChangeNothing) {
  ASSERT_EQ(admin({"init"}).exitCode, 0);
  ASSERT_EQ(admin({"enrolee", "add", "ae1.test.example", "--kpm-id", "ae1-kpm", "--expiry", "12h"}).exitCode, 0);
  auto expiry = admin({"enrolee", "policy", "ae1.test.example", "--expiry", "12725829d"});
  EXPECT_NE(expiry.exitCode, 0);
  EXPECT_NE(expiry.err.find("--expiry must be at most 3650d (10 years)"), std::string::npos) << expiry.err;
  EXPECT_EQ(adminJson({"enrolee", "show", "ae1.test.example"})["policy"]["enrolmentExpiry"], "12h");
  auto validity = admin(
      {"enrolee", "policy", "ae1.test.example", "--certificate-usage", "SAEF", "--certificate-validity", "99999d"});
  EXPECT_NE(validity.err.find("--certificate-validity must be at most"), std::string::npos) << validity.err;
  auto token = admin({"token", "create", "--expires", "4000d"});
  EXPECT_NE(token.err.find("--expires must be at most"), std::string::npos) << token.err;
  EXPECT_EQ(adminJson({"token", "list"}), nlohmann::json::array());

  std::ofstream(dir / "big.kpm") << std::string(200, 'a') << "\n";  // 100 bytes
  std::filesystem::permissions(dir / "big.kpm", std::filesystem::perms::owner_read);
  auto kpm =
      admin({"enrolee", "add", "ae2.test.example", "--kpm-id", "ae2-kpm", "--kpm-file", (dir / "big.kpm").string()});
  EXPECT_NE(kpm.exitCode, 0);
  EXPECT_NE(kpm.err.find("at most 64 bytes (the TLS-PSK limit), got 100"), std::string::npos) << kpm.err;

  // Bulk import: the same bounds per row, and strict JSON for the file.
  std::ofstream(dir / "rows.json") << R"([{"enroleeId": "ae3.test.example", "kpmId": "ae3-kpm", "kpmHex": ")"
                                   << std::string(10000, 'b') << R"("},
    {"enroleeId": "ae4.test.example", "kpmId": "ae4-kpm", "policy": {"enrolmentExpiry": "12725829d"}}])";
  auto rows = admin({"enrolee", "import", (dir / "rows.json").string()});
  EXPECT_EQ(rows.exitCode, 1);
  EXPECT_NE(rows.err.find("at most 64 bytes (the TLS-PSK limit), got 5000"), std::string::npos) << rows.err;
  EXPECT_NE(rows.err.find("must be at most 3650d"), std::string::npos) << rows.err;
  std::ofstream(dir / "dup.json")
      << R"([{"enroleeId": "ae5.test.example", "enroleeId": "ae6.test.example", "kpmId": "k"}])";
  EXPECT_NE(admin({"enrolee", "import", (dir / "dup.json").string()}).exitCode, 0);
  std::ofstream(dir / "nul.json") << std::string("[]\0[{\"enroleeId\": \"ae7.test.example\", \"kpmId\": \"k7\"}]", 53);
  EXPECT_NE(admin({"enrolee", "import", (dir / "nul.json").string()}).exitCode, 0);
  EXPECT_EQ(adminJson({"enrolee", "list"}).size(), 1u);
}

}  // namespace
}  // namespace rspf::testing
