// The audit log end to end (issue 5 item 7): a MEF and `rspf admin` as processes record bootstraps,
// exchanges, refusals and administrative changes; `rspf admin audit verify` detects an entry edited
// with the sqlite3 command line.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "crypto/encoding.hpp"
#include "crypto/key_file.hpp"
#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kEnrolee = "cse1.test.example";

class AuditLog : public ::testing::Test {
 protected:
  void SetUp() override {
    d.addEnrolee(kEnrolee);
    d.startMef();
  }
  ProcessResult admin(std::vector<std::string> args) {
    args.insert(args.begin(), {"admin", "--config", (d.dir() / "mef.toml").string()});
    return d.rspf(args);
  }
  // The tail once it holds at least `count` entries (the MEF commits them with its next write).
  nlohmann::json tailWith(std::size_t count) {
    nlohmann::json tail;
    for (int i = 0; i < 50; ++i) {
      auto r = admin({"audit", "tail", "-n", "100", "--json"});
      EXPECT_EQ(r.exitCode, 0) << r.err;
      tail = nlohmann::json::parse(r.out);
      if (tail.size() >= count) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return tail;
  }
  static bool has(const nlohmann::json& tail, const std::string& actorPrefix, const std::string& action,
                  const std::string& outcome) {
    for (const auto& e : tail)
      if (e["actor"].get<std::string>().starts_with(actorPrefix) && e["action"] == action && e["outcome"] == outcome)
        return true;
    return false;
  }
  LoopbackDeployment d;
};

TEST_F(AuditLog, BootstrapsExchangesRefusalsAndAdminChangesAreRecordedWithoutSecrets) {
  auto kpm = crypto::toHex(readHexKeyFile(d.kpmFile(kEnrolee), "Kpm").view());
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  std::ofstream(d.kpmFile(kEnrolee)) << std::string(64, 'a') << "\n";  // a wrong Kpm now
  EXPECT_NE(d.enrol(kEnrolee).exitCode, 0);
  ASSERT_EQ(admin({"enrolee", "disable", kEnrolee}).exitCode, 0);

  auto tail = tailWith(4);
  EXPECT_TRUE(has(tail, "psk:cse1.test.example", "bootstrap", "success")) << tail.dump(1);
  EXPECT_TRUE(has(tail, "psk:cse1.test.example", "enrolment_exchange", "success")) << tail.dump(1);
  EXPECT_TRUE(has(tail, "remote:127.0.0.1", "bootstrap", "refused")) << tail.dump(1);
  EXPECT_TRUE(has(tail, "admin:", "admin.enrolee.disable", "success")) << tail.dump(1);
  for (const auto& e : tail)
    if (e["action"] == "bootstrap" && e["outcome"] == "refused") {
      EXPECT_EQ(e["subject"], "cse1.test.example-kpm");
    }
  auto key = d.store().findEnrolmentKeyOf(kEnrolee);
  ASSERT_TRUE(key);
  const auto text = tail.dump();
  EXPECT_EQ(text.find(kpm), std::string::npos);
  EXPECT_EQ(text.find(crypto::toHex(key->ke.view())), std::string::npos);

  // A refused exchange (the Enrolee is disabled) is recorded with its reason.
  std::ofstream(d.kpmFile(kEnrolee)) << kpm << "\n";
  EXPECT_NE(d.enrol(kEnrolee).exitCode, 0);
  tail = tailWith(tail.size() + 2);
  EXPECT_TRUE(has(tail, "psk:cse1.test.example", "enrolment_exchange", "forbidden")) << tail.dump(1);

  auto verified = admin({"audit", "verify"});
  EXPECT_EQ(verified.exitCode, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("audit log intact"), std::string::npos) << verified.out;
}

TEST_F(AuditLog, AnEntryEditedInTheDatabaseIsDetected) {
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  tailWith(2);
  d.stopMef();
  auto edit = runProcess({"sqlite3", (d.dir() / "mef.db").string(),
                          "UPDATE audit_log SET actor = 'psk:someone.else' WHERE action = 'enrolment_exchange'"});
  ASSERT_EQ(edit.exitCode, 0) << edit.err;
  auto verified = admin({"audit", "verify", "--json"});
  EXPECT_EQ(verified.exitCode, 1) << verified.out << verified.err;
  auto j = nlohmann::json::parse(verified.out);
  EXPECT_FALSE(j["intact"].get<bool>());
  EXPECT_NE(j["problem"].get<std::string>().find("was altered"), std::string::npos) << j.dump();

  auto removed = runProcess({"sqlite3", (d.dir() / "mef.db").string(), "DELETE FROM audit_log WHERE seq = 1"});
  ASSERT_EQ(removed.exitCode, 0);
  auto again = admin({"audit", "verify"});
  EXPECT_EQ(again.exitCode, 1);
  EXPECT_NE(again.out.find("entry 1 is missing"), std::string::npos) << again.out;
}

}  // namespace
}  // namespace rspf::testing
