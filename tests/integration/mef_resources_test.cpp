// The MEF's resources spoken to directly over TLS-PSK from the test: MEF Key Retrieval (both URI
// forms, every refusal) and malformed or oversized Enrolment Exchange bodies.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crypto/encoding.hpp"
#include "enrolee/enrolee_credentials.hpp"
#include "support/loopback_deployment.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kTarget = "cse1.test.example";
constexpr const char* kEnrolee = "ae1.test.example";

class MefResources : public ::testing::Test {
 protected:
  void SetUp() override {
    d.addTargetIdentity(kTarget);
    store::EnrolmentPolicy policy;
    policy.directKeys = {{kTarget, "SAEF"}};
    enroleeKpm = d.addEnrolee(kEnrolee, policy);
    d.addEnrolee("plain.test.example", policy);  // enrolled, but not a registered target
    d.startMef();
    ASSERT_EQ(d.enrol(kTarget).exitCode, 0);
    ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
    ASSERT_EQ(d.enrol("plain.test.example").exitCode, 0);
    target = load(kTarget);
    enrolee = load(kEnrolee);
  }

  enrolee::EnroleeCredentials load(const std::string& id) {
    return enrolee::CredentialFile{d.credentialFile(id), std::nullopt}.load();
  }

  transport::HttpsClient connect(const std::string& identity, const crypto::SecretBytes& psk) {
    auto endpoint = transport::parseHttpsUrl(d.mefUrl());
    return transport::HttpsClient(*endpoint, {LoopbackDeployment::kMefFqdn, false}, {identity, psk});
  }

  transport::HttpResponse fetch(const std::string& path, std::vector<std::pair<std::string, std::string>> headers) {
    auto client = connect(target.kreId, target.kre);
    return client.request({"GET", path, std::move(headers), ""});
  }

  static std::string errorOf(const transport::HttpResponse& r) {
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["Status"], false);
    return j["ErrorString"].get<std::string>();
  }

  LoopbackDeployment d;
  std::string enroleeKpm;
  enrolee::EnroleeCredentials target, enrolee;
};

TEST_F(MefResources, KeyRetrievalByKeIdAndSuidGivesTheKeyTheEnroleeDerived) {
  auto r = fetch("/fetchCredentials/" + enrolee.keId + "/22", {{"X-M2M-Origin", kTarget}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = nlohmann::json::parse(r.body);
  const auto* key = enrolee.findTargetKey(kTarget, "SAEF");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(j["Status"], true);
  EXPECT_EQ(j["Credential"], crypto::toBase64(key->key.view()));
  EXPECT_EQ(j["CredentialId"], "12-" + key->keyIdentifier);
  EXPECT_EQ(j["EnroleeID"], kEnrolee);
  EXPECT_EQ(j["Lifetime"], toRfc3339(enrolee.expiry));
}

TEST_F(MefResources, KeyRetrievalBySeedFormWithRelativeKeIdAndFromHeader) {
  auto r = fetch("/fetchCredentials/" + enrolee.relativeKeId, {{"From", kTarget}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["CredentialId"],
            "12-" + enrolee.findTargetKey(kTarget, "SAEF")->keyIdentifier);
}

TEST_F(MefResources, KeyRetrievalRefusals) {
  auto path = "/fetchCredentials/" + enrolee.keId + "/22";
  auto r = fetch(path, {});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(errorOf(r).find("X-M2M-Origin"), std::string::npos);

  r = fetch(path, {{"X-M2M-Origin", kEnrolee}});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(errorOf(r).find("is not the authenticated identity"), std::string::npos);

  r = fetch("/fetchCredentials/" + enrolee.keId + "/24", {{"X-M2M-Origin", kTarget}});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(errorOf(r).find("not authorized"), std::string::npos);

  r = fetch("/fetchCredentials/00000000000000000000000000000000@mef.test.example/22", {{"X-M2M-Origin", kTarget}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorOf(r), "unknown or expired key identifier");

  r = fetch("/fetchCredentials/" + enrolee.relativeKeId + "@other.example/22", {{"X-M2M-Origin", kTarget}});
  EXPECT_EQ(r.status, 404);

  r = fetch("/fetchCredentials/not-a-key/22", {{"X-M2M-Origin", kTarget}});
  EXPECT_EQ(r.status, 400);

  r = fetch("/fetchCredentials/" + enrolee.keId + "/2x", {{"X-M2M-Origin", kTarget}});
  EXPECT_EQ(r.status, 400);
}

TEST_F(MefResources, KeyRetrievalNeedsAnEnrolledRegisteredTarget) {
  // Authenticated by KpmId (bootstrap), not by KreId.
  auto kpm = crypto::fromHex(enroleeKpm);
  auto byKpm = connect(std::string(kEnrolee) + "-kpm", crypto::SecretBytes(*kpm));
  auto r = byKpm.request({"GET", "/fetchCredentials/" + enrolee.keId + "/22", {{"X-M2M-Origin", kEnrolee}}, ""});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(errorOf(r).find("KreId"), std::string::npos);

  // Enrolled, authenticated as itself, but not a registered Enrolment Target.
  auto plain = load("plain.test.example");
  auto byKre = connect(plain.kreId, plain.kre);
  r = byKre.request({"GET", "/fetchCredentials/" + enrolee.keId + "/22", {{"X-M2M-Origin", "plain.test.example"}}, ""});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(errorOf(r).find("not a registered Enrolment Target"), std::string::npos);

  // A disabled Enrolee's keys are no longer served.
  ASSERT_TRUE(d.store().setEnroleeEnabled(kEnrolee, false));
  r = fetch("/fetchCredentials/" + enrolee.keId + "/22", {{"X-M2M-Origin", kTarget}});
  EXPECT_EQ(r.status, 404);
}

TEST_F(MefResources, SeedFormWithSeveralAuthorizedUsagesIsAConflict) {
  auto e = d.store().findEnrolee(kEnrolee);
  e->policy.directKeys.push_back({kTarget, "ESPrim"});
  ASSERT_TRUE(d.store().setEnroleePolicy(kEnrolee, e->policy));
  auto r = fetch("/fetchCredentials/" + enrolee.relativeKeId, {{"X-M2M-Origin", kTarget}});
  EXPECT_EQ(r.status, 409);
  r = fetch("/fetchCredentials/" + enrolee.keId + "/24", {{"X-M2M-Origin", kTarget}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(MefResources, MalformedAndOversizedExchangeBodiesAreRefusedAndChangeNothing) {
  auto before = d.store().findEnrolmentKeyOf(kEnrolee)->relativeKeId;
  auto kpm = crypto::SecretBytes(*crypto::fromHex(enroleeKpm));
  for (const std::string body : {"{", "[1,2]", "{\"certificateEnrolment\": \"yes\"}", "{\"enrolmentToken\": 7}"}) {
    auto client = connect(std::string(kEnrolee) + "-kpm", kpm);
    auto r = client.request({"POST", "/enrolment/exchange", {}, body});
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_FALSE(errorOf(r).empty());
  }
  auto client = connect(std::string(kEnrolee) + "-kpm", kpm);
  transport::HttpResponse r;
  try {
    r = client.request({"POST", "/enrolment/exchange", {}, "{\"pad\":\"" + std::string(100000, 'x') + "\"}"});
  } catch (const std::exception& e) {
    FAIL() << e.what() << "\n" << d.mefLog();
  }
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(d.store().findEnrolmentKeyOf(kEnrolee)->relativeKeId, before);

  auto other = connect(std::string(kEnrolee) + "-kpm", kpm);
  r = other.request({"GET", "/no/such/resource", {}, ""});
  EXPECT_EQ(r.status, 404);
}

}  // namespace
}  // namespace rspf::testing
