// Sessions bounded by their key (issue 10 item 2; seed 8.3.2.1 NOTE): a TLS session an Enrolee
// holds open with a target gets no answer once its key passed its Lifetime or was found revoked,
// and a session with the MEF none once the Enrolee was disabled.
#include <gtest/gtest.h>

#include <thread>

#include "admin/administration.hpp"
#include "crypto/key_file.hpp"
#include "enrolee/enrolee_credentials.hpp"
#include "support/loopback_deployment.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kTarget = "cse1.test.example";
constexpr const char* kEnrolee = "ae1.test.example";

class SessionBound : public ::testing::Test {
 protected:
  void start(std::chrono::seconds expiry, const std::string& targetSettings = "") {
    d.addTargetIdentity(kTarget);
    store::EnrolmentPolicy p;
    p.directKeys = {{kTarget, "SAEF"}};
    p.enrolmentExpiry = expiry;
    d.addEnrolee(kEnrolee, p);
    d.startMef();
    targetUrl = d.startTarget(kTarget, "SAEF", "", targetSettings);
    ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  }
  // A session with the target by the Enrolee's KeId and its key for the target, held open.
  std::unique_ptr<transport::HttpsClient> openSession() {
    auto c = enrolee::CredentialFile{d.credentialFile(kEnrolee), std::nullopt}.load();
    const auto* key = c.findTargetKey(kTarget, "SAEF");
    if (key == nullptr) throw std::runtime_error("no key for the target");
    return std::make_unique<transport::HttpsClient>(*transport::parseHttpsUrl(targetUrl),
                                                    tls::PskClientSettings{kTarget, false},
                                                    tls::PskClientCredentials{c.keId, key->key});
  }
  static transport::HttpRequest whoami() { return {"GET", "/whoami", {}, ""}; }

  LoopbackDeployment d;
  std::string targetUrl;
};

TEST_F(SessionBound, ASessionHeldOpenAcrossTheExpiryGetsNoAnswerAfterIt) {
  start(std::chrono::seconds(4));
  auto session = openSession();
  auto before = session->request(whoami());
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_NE(before.body.find(kEnrolee), std::string::npos);
  std::this_thread::sleep_for(std::chrono::seconds(5));
  auto after = session->request(whoami());  // the same TLS session
  EXPECT_EQ(after.status, 401) << after.body;
  EXPECT_EQ(after.body.find(kEnrolee), std::string::npos) << after.body;
  EXPECT_NE(after.body.find("passed its Lifetime"), std::string::npos) << after.body;
}

TEST_F(SessionBound, ASessionWhoseKeyIsFoundRevokedGetsNoAnswer) {
  start(std::chrono::hours(1), "revalidate_after = \"1s\"");
  auto session = openSession();
  ASSERT_EQ(session->request(whoami()).status, 200);
  admin::setEnroleeEnabled(d.store(), kEnrolee, false);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto after = session->request(whoami());
  EXPECT_EQ(after.status, 401) << after.body;
  EXPECT_EQ(after.body.find(kEnrolee), std::string::npos) << after.body;
  // The twin: a session of a key still served keeps its answers.
  admin::setEnroleeEnabled(d.store(), kEnrolee, true);
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  auto fresh = openSession();
  EXPECT_EQ(fresh->request(whoami()).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(fresh->request(whoami()).status, 200);  // confirmed again with the MEF
}

TEST(MefSessionBound, AnEnroleeDisabledDuringItsSessionGetsNoFurtherAnswer) {
  LoopbackDeployment d;
  d.addEnrolee(kEnrolee);
  d.startMef();
  auto kpm = readHexKeyFile(d.kpmFile(kEnrolee), "Kpm");
  transport::HttpsClient session(*transport::parseHttpsUrl(d.mefUrl()),
                                 tls::PskClientSettings{LoopbackDeployment::kMefFqdn, false},
                                 tls::PskClientCredentials{std::string(kEnrolee) + "-kpm", kpm});
  auto exchange = session.request({"POST", "/enrolment/exchange", {}, "{}"});
  ASSERT_EQ(exchange.status, 200) << exchange.body;
  const std::string complete = R"({"step":"certificateEnrolment"})";
  ASSERT_EQ(session.request({"POST", "/enrolment/exchange/complete", {}, complete}).status, 200);
  admin::setEnroleeEnabled(d.store(), kEnrolee, false);
  auto refused = session.request({"POST", "/enrolment/exchange/complete", {}, complete});
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("is disabled: this session ends"), std::string::npos) << refused.body;
}

}  // namespace
}  // namespace rspf::testing
