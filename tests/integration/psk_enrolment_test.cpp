// The pre-provisioned symmetric key framework end to end with real processes on loopback:
// `rspf mef`, `rspf target`, `rspf enrol`, `rspf connect`, and the negative twin of each path.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "crypto/encoding.hpp"
#include "procedures/enrolment_token.hpp"
#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kTarget = "cse1.test.example";
constexpr const char* kEnrolee = "ae1.test.example";

store::EnrolmentPolicy pairWith(const std::string& target, const std::string& usage = "SAEF",
                                std::chrono::seconds expiry = std::chrono::hours(1)) {
  store::EnrolmentPolicy p;
  p.directKeys = {{target, usage}};
  p.registrarCseId = target;
  p.enrolmentExpiry = expiry;
  return p;
}

std::optional<std::string> currentKey(LoopbackDeployment& d, const std::string& id) {
  auto key = d.store().findEnrolmentKeyOf(id);
  return key ? std::optional<std::string>(key->relativeKeId) : std::nullopt;
}

std::string writeToken(LoopbackDeployment& d, const std::string& bound, const std::string& aux,
                       std::string* tokenId = nullptr) {
  auto issued = procedures::issueEnrolmentToken(bound, aux, std::nullopt);
  d.store().addToken(issued.record);
  if (tokenId) *tokenId = issued.record.tokenId;
  auto file = d.dir() / ("token-" + issued.record.tokenId);
  std::ofstream(file) << issued.value << "\n";
  return file.string();
}

class PskEnrolment : public ::testing::Test {
 protected:
  void SetUp() override {
    d.addTargetIdentity(kTarget);
    d.addEnrolee(kEnrolee, pairWith(kTarget));
    d.startMef();
  }
  LoopbackDeployment d;
};

TEST_F(PskEnrolment, EnroleeEnrolsAndConnectsToTargetWhichRecordsItInServiceSubscribedAppRule) {
  auto targetUrl = d.startTarget(kTarget);
  auto enrolled = d.enrol(kEnrolee, {"--json"});
  ASSERT_EQ(enrolled.exitCode, 0) << enrolled.err;
  auto summary = nlohmann::json::parse(enrolled.out);
  auto keId = summary["keId"].get<std::string>();
  EXPECT_EQ(keId, *currentKey(d, kEnrolee) + "@" + LoopbackDeployment::kMefFqdn);
  EXPECT_EQ(std::filesystem::status(d.credentialFile(kEnrolee)).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  // First handshake presents KeId; the target fetches the key from the MEF.
  auto first = d.connect(kEnrolee, targetUrl, kTarget);
  ASSERT_EQ(first.exitCode, 0) << first.err << d.targetLog(kTarget);
  auto who = nlohmann::json::parse(first.out);
  EXPECT_EQ(who["enroleeId"], kEnrolee);
  std::string relative = keId.substr(0, 32);
  EXPECT_EQ(who["credentialId"], "12-" + relative + "-22@" + LoopbackDeployment::kMefFqdn);

  // Later handshakes present the derived key identifier.
  auto second =
      d.connect(kEnrolee, targetUrl, kTarget, {"--identity", "derived", "--path", "/serviceSubscribedAppRule"});
  ASSERT_EQ(second.exitCode, 0) << second.err;
  auto rule = nlohmann::json::parse(second.out);
  EXPECT_EQ(rule["allowedAEs"], nlohmann::json::array({kEnrolee}));
  EXPECT_EQ(rule["applicableCredIDs"], nlohmann::json::array({who["credentialId"]}));
}

TEST_F(PskEnrolment, CredentialFileHoldsNoSecretInPlainText) {
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  std::ifstream in(d.credentialFile(kEnrolee));
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto key = d.store().findEnrolmentKeyOf(kEnrolee);
  ASSERT_TRUE(key);
  EXPECT_EQ(text.find(crypto::toHex(key->ke.view())), std::string::npos);
  EXPECT_EQ(text.find(crypto::toBase64(key->ke.view())), std::string::npos);
  EXPECT_EQ(text.find(crypto::toHex(key->kre.view())), std::string::npos);
  EXPECT_NE(text.find(key->kreId), std::string::npos);
}

TEST_F(PskEnrolment, WrongKpmFailsTheHandshakeAndStoresNothing) {
  std::ofstream(d.kpmFile(kEnrolee)) << std::string(64, 'a') << "\n";
  auto r = d.enrol(kEnrolee);
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("pre-shared key does not match"), std::string::npos) << r.err;
  EXPECT_FALSE(currentKey(d, kEnrolee));
}

TEST_F(PskEnrolment, UnknownKpmIdFailsTheHandshakeAndStoresNothing) {
  auto r = d.rspf({"enrol", "--mef", d.mefUrl(), "--mef-fqdn", LoopbackDeployment::kMefFqdn, "--kpm-id", "nobody-kpm",
                   "--kpm-file", d.kpmFile(kEnrolee).string(), "--credentials", (d.dir() / "x.json").string()});
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("does not know this PSK identity"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d.dir() / "x.json"));
  EXPECT_FALSE(currentKey(d, kEnrolee));
}

TEST_F(PskEnrolment, WrongServerNameIsRefused) {
  auto r =
      d.rspf({"enrol", "--mef", d.mefUrl(), "--mef-fqdn", "other.example", "--kpm-id", std::string(kEnrolee) + "-kpm",
              "--kpm-file", d.kpmFile(kEnrolee).string(), "--credentials", d.credentialFile(kEnrolee).string()});
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("server name (SNI)"), std::string::npos) << r.err;
  EXPECT_FALSE(currentKey(d, kEnrolee));
}

TEST_F(PskEnrolment, DisabledEnroleeIsRefusedWithAClearErrorAndStoresNothing) {
  ASSERT_TRUE(d.store().setEnroleeEnabled(kEnrolee, false));
  auto r = d.enrol(kEnrolee);
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("(403): Enrolee 'ae1.test.example' is disabled"), std::string::npos) << r.err;
  EXPECT_FALSE(currentKey(d, kEnrolee));
}

// With rekey_grace = 0s (tests/integration/rekey_grace_test.cpp has the grace period itself).
TEST_F(PskEnrolment, EnrollingAgainReplacesTheKeyAndTheOldKeIdIsNoLongerServed) {
  d.stopMef();
  d.startMef("rekey_grace = \"0s\"");
  auto targetUrl = d.startTarget(kTarget);
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  auto oldFile = d.dir() / "old.json";
  std::filesystem::copy_file(d.credentialFile(kEnrolee), oldFile);
  std::filesystem::copy_file(d.credentialFile(kEnrolee).string() + ".key", oldFile.string() + ".key");
  auto oldKey = currentKey(d, kEnrolee);
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  auto newKey = currentKey(d, kEnrolee);
  ASSERT_TRUE(oldKey && newKey);
  EXPECT_NE(*oldKey, *newKey);
  EXPECT_FALSE(d.store().findEnrolmentKey(*oldKey));

  auto refused = d.rspf({"connect", "--credentials", oldFile.string(), "--target", targetUrl, "--target-id", kTarget});
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_NE(refused.err.find("does not know this PSK identity"), std::string::npos) << refused.err;
  EXPECT_NE(d.targetLog(kTarget).find("unknown or expired key identifier"), std::string::npos);
  auto fresh = d.connect(kEnrolee, targetUrl, kTarget);
  EXPECT_EQ(fresh.exitCode, 0) << fresh.err;
}

TEST_F(PskEnrolment, ExpiredEnrolmentKeyIsRefusedByTheTargetAndErased) {
  // 6 s: room for an enrolment and a connection under the sanitizers before the key expires.
  d.addEnrolee("short.test.example", pairWith(kTarget, "SAEF", std::chrono::seconds(6)));
  auto targetUrl = d.startTarget(kTarget);
  ASSERT_EQ(d.enrol("short.test.example").exitCode, 0);
  const auto expiry = d.store().findEnrolmentKeyOf("short.test.example")->expiry;
  auto ok = d.connect("short.test.example", targetUrl, kTarget);
  ASSERT_EQ(ok.exitCode, 0) << ok.err;
  std::this_thread::sleep_until(expiry + std::chrono::milliseconds(1100));  // whole seconds in the store
  auto refused = d.connect("short.test.example", targetUrl, kTarget, {"--even-if-expired"});
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_NE(refused.err.find("does not know this PSK identity"), std::string::npos) << refused.err;
  // Read the rule as another Enrolee: the expired one is gone from it.
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  auto rule = d.connect(kEnrolee, targetUrl, kTarget, {"--path", "/serviceSubscribedAppRule"});
  ASSERT_EQ(rule.exitCode, 0) << rule.err;
  EXPECT_EQ(rule.out.find("short.test.example"), std::string::npos) << rule.out;
  EXPECT_NE(d.targetLog(kTarget).find("erased"), std::string::npos);
}

TEST_F(PskEnrolment, TargetNotAuthorizedForTheUsageRefusesTheEnrolee) {
  // The Enrolee may derive an ESData key for the target, but the target serves SAEF.
  d.addEnrolee("esdata.test.example", pairWith(kTarget, "ESData"));
  auto targetUrl = d.startTarget(kTarget);
  ASSERT_EQ(d.enrol("esdata.test.example").exitCode, 0);
  auto r = d.connect("esdata.test.example", targetUrl, kTarget);
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(d.targetLog(kTarget).find("is not authorized for Enrolee 'esdata.test.example' and usage SAEF"),
            std::string::npos)
      << d.targetLog(kTarget);
}

class TokenPolicy : public PskEnrolment {
 protected:
  void SetUp() override {
    auto policy = pairWith(kTarget);
    policy.token = store::TokenRequirement::Required;
    d.addTargetIdentity(kTarget);
    d.addEnrolee(kEnrolee, policy);
    d.addEnrolee("other.test.example", policy);
    d.startMef();
  }
};

TEST_F(TokenPolicy, MissingTokenIsRefused) {
  auto r = d.enrol(kEnrolee);
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("an enrolment token is required"), std::string::npos) << r.err;
  EXPECT_FALSE(currentKey(d, kEnrolee));
}

TEST_F(TokenPolicy, TokenIsSingleUseAndItsAuxiliaryInformationIsKept) {
  std::string tokenId;
  auto token = writeToken(d, kEnrolee, "site=plant-3", &tokenId);
  ASSERT_EQ(d.enrol(kEnrolee, {"--token-file", token}).exitCode, 0);
  auto key = d.store().findEnrolmentKeyOf(kEnrolee);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->tokenAux, "site=plant-3");
  EXPECT_EQ(key->tokenId, tokenId);

  auto replay = d.enrol(kEnrolee, {"--token-file", token});
  EXPECT_NE(replay.exitCode, 0);
  EXPECT_NE(replay.err.find("already used"), std::string::npos) << replay.err;
  EXPECT_EQ(currentKey(d, kEnrolee), key->relativeKeId);
}

// Re-keying without a new token (issue 10 item 5): the token authorized the first provisioning;
// re-authentication with KreId/Kre proves the rest, so `--reauth` and `--renew-before` work.
TEST_F(TokenPolicy, ReauthenticationNeedsNoNewToken) {
  ASSERT_EQ(d.enrol(kEnrolee, {"--token-file", writeToken(d, kEnrolee, "")}).exitCode, 0);
  auto first = currentKey(d, kEnrolee);
  auto r = d.rspf({"enrol", "--reauth", "--credentials", d.credentialFile(kEnrolee).string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  auto second = currentKey(d, kEnrolee);
  EXPECT_NE(second, first);
  EXPECT_EQ(d.store().findEnrolmentKeyOf(kEnrolee)->framework, "reauth");
  r = d.rspf({"enrol", "--renew-before", "2h", "--credentials", d.credentialFile(kEnrolee).string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(currentKey(d, kEnrolee), second);
  // The twin: a bootstrap with the pre-provisioned key still needs a token.
  auto refused = d.enrol(kEnrolee);
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_NE(refused.err.find("an enrolment token is required"), std::string::npos) << refused.err;
}

TEST_F(TokenPolicy, ForeignRevokedAndUnknownTokensAreRefused) {
  auto foreign = writeToken(d, "other.test.example", "");
  auto r = d.enrol(kEnrolee, {"--token-file", foreign});
  EXPECT_NE(r.err.find("bound to another Enrolee"), std::string::npos) << r.err;

  std::string revokedId;
  auto revoked = writeToken(d, kEnrolee, "", &revokedId);
  ASSERT_TRUE(d.store().revokeToken(revokedId));
  r = d.enrol(kEnrolee, {"--token-file", revoked});
  EXPECT_NE(r.err.find("revoked"), std::string::npos) << r.err;

  r = d.enrol(kEnrolee, {"--token", "et-not-a-real-token"});
  EXPECT_NE(r.err.find("unknown"), std::string::npos) << r.err;
  EXPECT_FALSE(currentKey(d, kEnrolee));
  for (const auto& t : d.store().listTokens()) EXPECT_FALSE(t.usedAt);
}

TEST_F(TokenPolicy, TwoConcurrentUsesOfOneTokenExactlyOneWins) {
  auto token = writeToken(d, "", "");
  ProcessResult a, b;
  std::thread ta([&] { a = d.enrol(kEnrolee, {"--token-file", token}); });
  std::thread tb([&] { b = d.enrol("other.test.example", {"--token-file", token}); });
  ta.join();
  tb.join();
  EXPECT_EQ((a.exitCode == 0) + (b.exitCode == 0), 1) << a.err << b.err;
  EXPECT_EQ(currentKey(d, kEnrolee).has_value() + currentKey(d, "other.test.example").has_value(), 1);
}

TEST(PskEnrolmentTls13, WorksWhenConfiguredOnBothSides) {
  LoopbackDeployment d;
  d.addEnrolee(kEnrolee, pairWith(kTarget));
  d.startMef("tls13 = true");
  auto r = d.enrol(kEnrolee, {"--tls13", "--json"});
  ASSERT_EQ(r.exitCode, 0) << r.err << d.mefLog();
  EXPECT_EQ(nlohmann::json::parse(r.out)["keId"].get<std::string>().substr(0, 32), *currentKey(d, kEnrolee));
  EXPECT_NE(d.mefLog().find("TLSv1.3"), std::string::npos);
}

}  // namespace
}  // namespace rspf::testing
