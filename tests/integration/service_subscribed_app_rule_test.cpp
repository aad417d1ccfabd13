// Who may read the ServiceSubscribedAppRule (issue 10 item 9): an Enrolee connected to a target
// reads only its own entries; the whole record is on the target's observability listener, for the
// operator.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "support/http_probe.hpp"
#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kTarget = "cse1.test.example";

TEST(ServiceSubscribedAppRuleAccess, AnEnroleeReadsItsOwnEntriesAndTheOperatorTheWholeRecord) {
  LoopbackDeployment d;
  d.addTargetIdentity(kTarget);
  store::EnrolmentPolicy p;
  p.directKeys = {{kTarget, "SAEF"}};
  p.enrolmentExpiry = std::chrono::hours(1);
  d.addEnrolee("ae1.test.example", p);
  d.addEnrolee("ae2.test.example", p);
  d.startMef();
  auto targetUrl =
      d.startTarget(kTarget, "SAEF", "\n[observability]\nlisten = \"127.0.0.1:0\"\nready_file = \"obs.ready\"\n");
  for (const char* e : {"ae1.test.example", "ae2.test.example"}) {
    ASSERT_EQ(d.enrol(e).exitCode, 0);
    ASSERT_EQ(d.connect(e, targetUrl, kTarget).exitCode, 0);
  }
  auto own = d.connect("ae1.test.example", targetUrl, kTarget, {"--path", "/serviceSubscribedAppRule"});
  ASSERT_EQ(own.exitCode, 0) << own.err;
  auto rule = nlohmann::json::parse(own.out);
  EXPECT_EQ(rule["allowedAEs"], nlohmann::json::array({"ae1.test.example"})) << own.out;
  EXPECT_EQ(rule["applicableCredIDs"].size(), 1u) << own.out;
  EXPECT_EQ(own.out.find("ae2.test.example"), std::string::npos) << own.out;

  std::ifstream ready(d.dir() / "obs.ready");
  std::string address;
  std::getline(ready, address);
  auto whole = httpGet("http://" + address + "/serviceSubscribedAppRule");
  ASSERT_EQ(whole.status, 200) << whole.body;
  auto record = nlohmann::json::parse(whole.body);
  EXPECT_EQ(record["allowedAEs"], nlohmann::json::array({"ae1.test.example", "ae2.test.example"})) << whole.body;
  EXPECT_EQ(record["applicableCredIDs"].size(), 2u) << whole.body;
}

// State that survives a restart (issue 10 item 8): with [target] state the record is kept in a
// SQLite file and is whole again after a restart, before any Enrolee reconnects.
TEST(ServiceSubscribedAppRuleState, TheRecordSurvivesARestartOfTheTarget) {
  LoopbackDeployment d;
  d.addTargetIdentity(kTarget);
  store::EnrolmentPolicy p;
  p.directKeys = {{kTarget, "SAEF"}};
  p.enrolmentExpiry = std::chrono::hours(1);
  d.addEnrolee("ae1.test.example", p);
  d.startMef();
  const std::string observability = "\n[observability]\nlisten = \"127.0.0.1:0\"\nready_file = \"obs.ready\"\n";
  auto recordAfterRestart = [&](const std::string& state) {
    std::filesystem::remove(d.dir() / "obs.ready");
    d.startTarget(kTarget, "SAEF", observability, state);
    std::ifstream ready(d.dir() / "obs.ready");
    std::string address;
    std::getline(ready, address);
    return nlohmann::json::parse(httpGet("http://" + address + "/serviceSubscribedAppRule").body);
  };
  auto targetUrl = d.startTarget(kTarget, "SAEF", observability, "state = \"cse1-state.db\"");
  ASSERT_EQ(d.enrol("ae1.test.example").exitCode, 0);
  ASSERT_EQ(d.connect("ae1.test.example", targetUrl, kTarget).exitCode, 0);

  auto kept = recordAfterRestart("state = \"cse1-state.db\"");
  EXPECT_EQ(kept["allowedAEs"], nlohmann::json::array({"ae1.test.example"})) << kept.dump();
  EXPECT_EQ(kept["applicableCredIDs"].size(), 1u) << kept.dump();
  EXPECT_EQ(std::filesystem::status(d.dir() / "cse1-state.db").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  // The twin: without a state file the record starts empty.
  auto fresh = recordAfterRestart("");
  EXPECT_TRUE(fresh["allowedAEs"].empty()) << fresh.dump();
}

}  // namespace
}  // namespace rspf::testing
