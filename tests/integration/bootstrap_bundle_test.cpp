// Bootstrap Instruction Configuration (seed 9.2.2.1) from `rspf admin` to `rspf enrol`: the MEF's
// configuration key signs the bundle; the Enrolee enrols with its values only under the trusted signer.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "procedures/enrolment_token.hpp"
#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kEnrolee = "ae1.test.example";
constexpr const char* kTarget = "cse1.test.example";

class BootstrapBundle : public ::testing::Test {
 protected:
  void SetUp() override {
    store::EnrolmentPolicy policy;
    policy.directKeys = {{kTarget, "SAEF"}};
    policy.token = store::TokenRequirement::Required;
    d.addEnrolee(kEnrolee, policy);
    d.startMef("configuration_key = \"config.key\"");
    auto init = admin({"config-key", "init", "--json"});
    ASSERT_EQ(init.exitCode, 0) << init.err;
    std::ofstream(signer) << nlohmann::json::parse(init.out)["publicKey"].get<std::string>();
  }

  ProcessResult admin(std::vector<std::string> args) {
    args.insert(args.begin(), {"admin", "--config", (d.dir() / "mef.toml").string()});
    return d.rspf(args);
  }

  std::string issueToken() {
    auto issued = procedures::issueEnrolmentToken(kEnrolee, "bundle test", std::nullopt);
    d.store().addToken(issued.record);
    return issued.value;
  }

  ProcessResult enrolWithBundle(const std::filesystem::path& bundle, const std::filesystem::path& trusted) {
    return d.rspf({"enrol", "--bundle", bundle.string(), "--bundle-signer", trusted.string(), "--kpm-file",
                   d.kpmFile(kEnrolee).string(), "--credentials", d.credentialFile(kEnrolee).string(), "--json"});
  }

  LoopbackDeployment d;
  std::filesystem::path signer = d.dir() / "config-key.pub.pem";
  std::filesystem::path bundle = d.dir() / "ae1.bundle.json";
};

TEST_F(BootstrapBundle, EnroleeEnrolsWithTheValuesOfABundleSignedByTheTrustedKey) {
  EXPECT_EQ(std::filesystem::status(d.dir() / "config.key").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto exported = admin(
      {"enrolee", "bundle", kEnrolee, "--out", bundle.string(), "--mef-uri", d.mefUrl(), "--token", issueToken()});
  ASSERT_EQ(exported.exitCode, 0) << exported.err;
  EXPECT_EQ(std::filesystem::status(bundle).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  // No --mef, --mef-fqdn, --kpm-id or --token: all from the bundle (the token is required here).
  auto enrolled = enrolWithBundle(bundle, signer);
  ASSERT_EQ(enrolled.exitCode, 0) << enrolled.err << d.mefLog();
  auto keId = nlohmann::json::parse(enrolled.out)["keId"].get<std::string>();
  EXPECT_EQ(keId.substr(keId.find('@') + 1), LoopbackDeployment::kMefFqdn);
  auto key = d.store().findEnrolmentKeyOf(kEnrolee);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->tokenAux, "bundle test");
}

TEST_F(BootstrapBundle, ABundleFromAnotherSignerIsRefusedAndNothingIsStored) {
  ASSERT_EQ(admin({"enrolee", "bundle", kEnrolee, "--out", bundle.string(), "--mef-uri", d.mefUrl()}).exitCode, 0);
  auto foreign = d.dir() / "foreign.pub.pem";
  std::ofstream(foreign) << ca::publicKeyPem(*ca::generateP256Key());
  auto refused = enrolWithBundle(bundle, foreign);
  EXPECT_EQ(refused.exitCode, 1);
  EXPECT_NE(refused.err.find("other than the trusted configuration key"), std::string::npos) << refused.err;
  EXPECT_FALSE(d.store().findEnrolmentKeyOf(kEnrolee));
}

TEST_F(BootstrapBundle, AnAlteredBundleIsRefused) {
  ASSERT_EQ(admin({"enrolee", "bundle", kEnrolee, "--out", bundle.string(), "--mef-uri", d.mefUrl()}).exitCode, 0);
  std::ifstream in(bundle);
  auto j = nlohmann::json::parse(in);
  auto payload = j["payload"].get<std::string>();
  payload[payload.size() / 2] = payload[payload.size() / 2] == 'A' ? 'B' : 'A';
  j["payload"] = payload;
  std::ofstream(bundle, std::ios::trunc) << j.dump();
  auto refused = enrolWithBundle(bundle, signer);
  EXPECT_EQ(refused.exitCode, 1);
  EXPECT_NE(refused.err.find("bootstrap instruction bundle"), std::string::npos) << refused.err;
  EXPECT_FALSE(d.store().findEnrolmentKeyOf(kEnrolee));
}

TEST_F(BootstrapBundle, ConfigKeyInitKeepsAnExistingKeyAndBundleNamesTheEnrolee) {
  auto again = admin({"config-key", "init", "--json"});
  ASSERT_EQ(again.exitCode, 0) << again.err;
  EXPECT_FALSE(nlohmann::json::parse(again.out)["created"].get<bool>());
  auto unknown = admin({"enrolee", "bundle", "nobody.test.example", "--out", bundle.string()});
  EXPECT_EQ(unknown.exitCode, 1);
  EXPECT_NE(unknown.err.find("no Enrolee 'nobody.test.example'"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

// Bootstrap Instruction Configuration honoured (issue 10 item 7; seed 9.2.2.1).
TEST_F(BootstrapBundle, ABundlePastItsValidityIsRefused) {
  auto exported = admin({"enrolee", "bundle", kEnrolee, "--out", bundle.string(), "--mef-uri", d.mefUrl(), "--token",
                         issueToken(), "--validity", "2s"});
  ASSERT_EQ(exported.exitCode, 0) << exported.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(3100));
  auto r = enrolWithBundle(bundle, signer);
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("it has expired"), std::string::npos) << r.err;
  EXPECT_FALSE(d.store().findEnrolmentKeyOf(kEnrolee));
}

TEST_F(BootstrapBundle, AnExchangeThatDoesNotIncludeTheConfiguredTargetIsNotKept) {
  auto refused = d.enrol(kEnrolee, {"--token", issueToken(), "--enrolment-target", "cse7.test.example"});
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_NE(refused.err.find("do not include the Enrolment Target 'cse7.test.example'"), std::string::npos)
      << refused.err;
  EXPECT_FALSE(std::filesystem::exists(d.credentialFile(kEnrolee)));
  // The twin: the target the policy names, and a longer configured expiry than the MEF's 30 days.
  auto kept = d.enrol(kEnrolee, {"--token", issueToken(), "--enrolment-target", kTarget, "--enrolment-expiry", "60d"});
  EXPECT_EQ(kept.exitCode, 0) << kept.err;
  EXPECT_TRUE(std::filesystem::exists(d.credentialFile(kEnrolee)));
  EXPECT_NE(kept.err.find("is shorter than the configured 60d"), std::string::npos) << kept.err;
}

}  // namespace
}  // namespace rspf::testing
