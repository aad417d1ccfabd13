// Re-keying (issue 5 item 3): a new Enrolment Exchange rotates Ke; the replaced KeId, and every key
// derived from it, is still served for [mef] rekey_grace, then no more.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kTarget = "cse1.test.example";
constexpr const char* kEnrolee = "ae1.test.example";

class RekeyGrace : public ::testing::Test {
 protected:
  void start(const std::string& grace) {
    d.addTargetIdentity(kTarget);
    store::EnrolmentPolicy p;
    p.directKeys = {{kTarget, "SAEF"}};
    p.enrolmentExpiry = std::chrono::hours(1);
    d.addEnrolee(kEnrolee, p);
    d.startMef("rekey_grace = \"" + grace + "\"");
    targetUrl = d.startTarget(kTarget);
    ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
    oldKey = d.store().findEnrolmentKeyOf(kEnrolee)->relativeKeId;
    // Keep the first enrolment's credentials (and the key sealing them), then enrol again.
    const auto file = d.credentialFile(kEnrolee);
    std::filesystem::copy_file(file, old());
    std::filesystem::copy_file(file.string() + ".key", old() + ".key");
    ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
    ASSERT_NE(d.store().findEnrolmentKeyOf(kEnrolee)->relativeKeId, oldKey);
  }
  std::string old() const { return (d.dir() / "old.json").string(); }
  ProcessResult connectWithOld() {
    return d.rspf(
        {"connect", "--credentials", old(), "--target", targetUrl, "--target-id", kTarget, "--identity", "keid"});
  }

  LoopbackDeployment d;
  std::string targetUrl;
  std::string oldKey;
};

TEST_F(RekeyGrace, TheReplacedKeyIsServedDuringTheGracePeriodOnly) {
  start("2s");
  auto retired = d.store().findEnrolmentKey(oldKey);
  ASSERT_TRUE(retired);
  EXPECT_TRUE(retired->retired);
  EXPECT_LE(retired->expiry, now() + std::chrono::seconds(3));

  auto during = connectWithOld();
  EXPECT_EQ(during.exitCode, 0) << during.out << during.err << d.targetLog(kTarget);
  std::this_thread::sleep_for(std::chrono::milliseconds(2600));
  auto after = connectWithOld();
  EXPECT_NE(after.exitCode, 0) << after.out;
  // The current enrolment is unaffected.
  auto current = d.connect(kEnrolee, targetUrl, kTarget);
  EXPECT_EQ(current.exitCode, 0) << current.out << current.err;
}

TEST_F(RekeyGrace, WithoutAGracePeriodTheReplacedKeyStopsAtOnce) {
  start("0s");
  EXPECT_FALSE(d.store().findEnrolmentKey(oldKey));
  auto refused = connectWithOld();
  EXPECT_NE(refused.exitCode, 0) << refused.out;
  // The target asked the MEF, which no longer knows the replaced key.
  EXPECT_NE(d.mefLog().find("/fetchCredentials/" + oldKey), std::string::npos) << d.mefLog();
  EXPECT_NE(d.mefLog().find("-> 404"), std::string::npos) << d.mefLog();
}

}  // namespace
}  // namespace rspf::testing
