// The audit trail an operator relies on (issue 13 item 5) and certificates for the other roles
// (item 7), with the real `rspf admin`: bulk import (count and IDs), config-key init, CA init with a
// name, `ca issue`, and `audit tail --subject --since --follow --json`.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "common/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

namespace rspf::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class OperatorAudit : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir / "mef.toml") << "[mef]\nfqdn = \"mef.test.example\"\nconfiguration_key = \"config.key\"\n\n"
                                       "[store]\nsqlite = \"mef.db\"\nkek_file = \"kek\"\n";
    ASSERT_EQ(admin({"init"}).exitCode, 0);
  }
  ProcessResult admin(std::vector<std::string> args) {
    args.insert(args.begin(), {RSPF_BINARY, "admin", "--config", (dir / "mef.toml").string()});
    return runProcess(args);
  }
  json auditOf(const std::string& action) {
    auto r = admin({"audit", "tail", "-n", "1000", "--json"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    json found = json::array();
    for (const auto& e : json::parse(r.out))
      if (e["action"] == action) found.push_back(e);
    return found;
  }
  TempDir dir;
};

TEST_F(OperatorAudit, BulkImportConfigKeyAndCaInitAreAudited) {
  std::ofstream(dir / "in.csv") << "enroleeId,kpmId\nae1.test.example,ae1-kpm\nae2.test.example,ae2-kpm\nbad id,x\n";
  EXPECT_EQ(admin({"enrolee", "import", (dir / "in.csv").string()}).exitCode, 1);  // one row refused
  auto import = auditOf("admin.enrolee.import");
  ASSERT_EQ(import.size(), 1u);
  EXPECT_EQ(import[0]["subject"], "2 imported, 1 rejected");
  EXPECT_EQ(import[0]["detail"], "ae1.test.example,ae2.test.example");
  EXPECT_EQ(import[0]["actor"].get<std::string>().rfind("admin:", 0), 0u);

  ASSERT_EQ(admin({"config-key", "init"}).exitCode, 0);
  ASSERT_EQ(admin({"config-key", "init"}).exitCode, 0);  // exists: nothing changes, nothing audited
  EXPECT_EQ(auditOf("admin.config-key.init").size(), 1u);

  auto init = admin({"ca", "init", "--permitted-dns", "test.example", "--name", "Example Plant CA"});
  ASSERT_EQ(init.exitCode, 0) << init.err;
  auto subject = runProcess({"openssl", "x509", "-noout", "-subject"}, init.out);
  EXPECT_NE(subject.out.find("CN = Example Plant CA"), std::string::npos) << subject.out;
  auto ca = auditOf("admin.ca.init");
  ASSERT_EQ(ca.size(), 1u);
  EXPECT_EQ(ca[0]["detail"], "Example Plant CA");
}

TEST_F(OperatorAudit, CaIssueWritesWhatARoleNeeds) {
  ASSERT_EQ(admin({"ca", "init", "--permitted-dns", "test.example"}).exitCode, 0);
  auto out = dir / "maf";
  auto r = admin({"ca", "issue", "--for", "maf", "maf.test.example", "--out", out.string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat((out / "maf.test.example-key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto verify = runProcess({"openssl", "verify", "-CAfile", (out / "ca.pem").string(), "-purpose", "sslserver",
                            (out / "maf.test.example.pem").string()});
  EXPECT_EQ(verify.exitCode, 0) << verify.out << verify.err;
  auto san = runProcess(
      {"openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", (out / "maf.test.example.pem").string()});
  EXPECT_NE(san.out.find("DNS:maf.test.example"), std::string::npos) << san.out;
  EXPECT_EQ(auditOf("admin.ca.issue").size(), 1u);
  // Refused: outside the CA's name constraints, an existing key, an unknown role.
  EXPECT_EQ(admin({"ca", "issue", "--for", "bsf", "bsf.other.example", "--out", out.string()}).exitCode, 1);
  EXPECT_EQ(admin({"ca", "issue", "--for", "maf", "maf.test.example", "--out", out.string()}).exitCode, 1);
  EXPECT_EQ(admin({"ca", "issue", "--for", "printer", "p.test.example", "--out", out.string()}).exitCode, 2);
}

TEST_F(OperatorAudit, TailFiltersBySubjectAndTimeAndFollows) {
  ASSERT_EQ(admin({"target", "add", "cse1.test.example"}).exitCode, 0);
  ASSERT_EQ(admin({"target", "add", "cse2.test.example"}).exitCode, 0);
  auto r = admin({"audit", "tail", "--subject", "cse2.test.example", "--since", "1h", "--json"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  auto entries = json::parse(r.out);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["action"], "admin.target.add");
  EXPECT_EQ(json::parse(admin({"audit", "tail", "--since", "2999-01-01T00:00:00Z", "--json"}).out).size(), 0u);
  EXPECT_EQ(admin({"audit", "tail", "--since", "yesterday"}).exitCode, 1);

  ChildProcess follow({RSPF_BINARY, "admin", "--config", (dir / "mef.toml").string(), "audit", "tail", "--follow",
                       "--subject", "cse3.test.example", "--json"},
                      dir / "follow.log");
  std::this_thread::sleep_for(700ms);
  ASSERT_EQ(admin({"target", "add", "cse3.test.example"}).exitCode, 0);
  std::string seen;
  for (int i = 0; i < 100 && seen.find("cse3.test.example") == std::string::npos; ++i) {
    std::this_thread::sleep_for(50ms);
    std::ifstream in(dir / "follow.log");
    seen.assign(std::istreambuf_iterator<char>(in), {});
  }
  follow.terminate();
  ASSERT_NE(seen.find("cse3.test.example"), std::string::npos) << seen;
  auto line = json::parse(seen.substr(0, seen.find('\n')));
  EXPECT_EQ(line["action"], "admin.target.add");
  EXPECT_EQ(seen.find("cse1.test.example"), std::string::npos);
}

}  // namespace
}  // namespace rspf::testing
