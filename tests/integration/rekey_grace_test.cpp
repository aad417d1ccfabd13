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
  // 6 s: room for two process starts under the sanitizers before the grace ends.
  start("6s");
  auto retired = d.store().findEnrolmentKey(oldKey);
  ASSERT_TRUE(retired);
  EXPECT_TRUE(retired->retired);
  EXPECT_LE(retired->expiry, now() + std::chrono::seconds(7));

  auto during = connectWithOld();
  EXPECT_EQ(during.exitCode, 0) << during.out << during.err << d.targetLog(kTarget);
  std::this_thread::sleep_until(retired->expiry + std::chrono::milliseconds(1100));  // whole seconds in the store
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

namespace rspf::testing {
namespace {

// `rspf enrol --reauth` re-keys with the KreId/Kre of the credential file; `--renew-before` re-keys
// only when the credentials are about to expire (issue 5 items 3 and 4).
class Reauthentication : public ::testing::Test {
 protected:
  void SetUp() override {
    store::EnrolmentPolicy p;
    p.enrolmentExpiry = std::chrono::hours(1);
    d.addEnrolee(kEnrolee, p);
    d.startMef();
    ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
    first = d.store().findEnrolmentKeyOf(kEnrolee)->relativeKeId;
  }
  ProcessResult enrolAgain(std::vector<std::string> extra) {
    std::vector<std::string> args = {"enrol", "--credentials", d.credentialFile(kEnrolee).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return d.rspf(args);
  }
  LoopbackDeployment d;
  std::string first;
};

TEST_F(Reauthentication, ReauthRekeysWithoutTheBootstrapCredential) {
  auto r = enrolAgain({"--reauth"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  auto key = d.store().findEnrolmentKeyOf(kEnrolee);
  ASSERT_TRUE(key);
  EXPECT_NE(key->relativeKeId, first);
  EXPECT_EQ(key->framework, "reauth");
  // The new credentials re-authenticate in turn; the old KreId no longer does.
  EXPECT_EQ(enrolAgain({"--reauth"}).exitCode, 0);
}

TEST_F(Reauthentication, RenewBeforeRekeysOnlyWhenExpiryIsNear) {
  auto early = enrolAgain({"--renew-before", "10m"});
  ASSERT_EQ(early.exitCode, 0) << early.err;
  EXPECT_NE(early.out.find("nothing to do"), std::string::npos) << early.out;
  EXPECT_EQ(d.store().findEnrolmentKeyOf(kEnrolee)->relativeKeId, first);

  auto due = enrolAgain({"--renew-before", "2h"});
  ASSERT_EQ(due.exitCode, 0) << due.err;
  auto key = d.store().findEnrolmentKeyOf(kEnrolee);
  EXPECT_NE(key->relativeKeId, first);
  EXPECT_EQ(key->framework, "reauth");
}

TEST_F(Reauthentication, ReauthWithoutCredentialsSaysWhatIsMissing) {
  auto r = d.rspf({"enrol", "--reauth", "--credentials", (d.dir() / "none.json").string()});
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("needs the credential file of an earlier enrolment"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

// Revocation (issue 5 item 5): disabling an Enrolee stops MEF Key Retrieval at once, and a target
// that cached the key refuses the Enrolee at most [target] revalidate_after later.
TEST(Revocation, ATargetRefusesADisabledEnroleeWithinTheRevalidationBound) {
  LoopbackDeployment d;
  d.addTargetIdentity(kTarget);
  store::EnrolmentPolicy p;
  p.directKeys = {{kTarget, "SAEF"}};
  p.enrolmentExpiry = std::chrono::hours(1);
  d.addEnrolee(kEnrolee, p);
  d.startMef();
  auto targetUrl = d.startTarget(kTarget, "SAEF", "", "revalidate_after = \"1s\"");
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  auto first = d.connect(kEnrolee, targetUrl, kTarget);
  ASSERT_EQ(first.exitCode, 0) << first.err;

  auto disabled = d.rspf({"admin", "--config", (d.dir() / "mef.toml").string(), "enrolee", "disable", kEnrolee});
  ASSERT_EQ(disabled.exitCode, 0) << disabled.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  auto refused = d.connect(kEnrolee, targetUrl, kTarget);
  EXPECT_NE(refused.exitCode, 0) << refused.out;
  EXPECT_NE(d.targetLog(kTarget).find("the MEF no longer serves its key, erased"), std::string::npos)
      << d.targetLog(kTarget);
  // Enabled again, it is served again (the key itself was not changed).
  ASSERT_EQ(d.rspf({"admin", "--config", (d.dir() / "mef.toml").string(), "enrolee", "enable", kEnrolee}).exitCode, 0);
  EXPECT_EQ(d.connect(kEnrolee, targetUrl, kTarget).exitCode, 0);
}

TEST(Revocation, WithinTheBoundTheCachedKeyIsStillUsed) {
  LoopbackDeployment d;
  d.addTargetIdentity(kTarget);
  store::EnrolmentPolicy p;
  p.directKeys = {{kTarget, "SAEF"}};
  d.addEnrolee(kEnrolee, p);
  d.startMef();
  auto targetUrl = d.startTarget(kTarget, "SAEF", "", "revalidate_after = \"1h\"");
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  ASSERT_EQ(d.connect(kEnrolee, targetUrl, kTarget).exitCode, 0);
  ASSERT_EQ(d.rspf({"admin", "--config", (d.dir() / "mef.toml").string(), "enrolee", "disable", kEnrolee}).exitCode, 0);
  // The documented bound: until revalidate_after passes, the target does not ask the MEF.
  EXPECT_EQ(d.connect(kEnrolee, targetUrl, kTarget).exitCode, 0);
}

}  // namespace
}  // namespace rspf::testing
