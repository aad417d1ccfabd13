// The GBA-Based framework end to end (seed 8.3.2.3): `rspf bsf`, `rspf mef` (as NAF) and
// `rspf enrol --gba` as real processes on loopback, and the negatives of issue 4.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "ca/pem.hpp"
#include "crypto/gba_key_derivation.hpp"
#include "enrolee/enrolment_client.hpp"
#include "enrolee/simulated_usim.hpp"
#include "support/gba_deployment.hpp"
#include "support/test_paths.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kCse = "cse1.test.example";
constexpr const char* kImpi = "001010123456789@ims.mnc001.mcc001.3gppnetwork.org";
constexpr const char* kOtherK = "0396eb317b6d1c36f19c1c84cd6ffd16";  // TS 35.207 set 2

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class GbaEnrolment : public ::testing::Test {
 protected:
  void SetUp() override { start("1h"); }

  void start(const std::string& btidLifetime) {
    gba = std::make_unique<GbaDeployment>(d, btidLifetime);
    ASSERT_EQ(gba->addSubscriber(kImpi, LoopbackDeployment::kMefFqdn).exitCode, 0);
    gba->registerEnrolee(kCse, kImpi);
    gba->start();
    d.startMef(gba->mefToml());
  }

  enrolee::BsfEndpoint bsf() const { return {gba->url(), GbaDeployment::kBsfFqdn, gba->trustAnchors()}; }

  LoopbackDeployment d;
  std::unique_ptr<GbaDeployment> gba;
};

TEST_F(GbaEnrolment, EnrolsThenReusesTheBootstrappedKey) {
  auto usim = gba->createUsim("cse1", kImpi);
  auto first = gba->enrol(kCse, usim, {"--json"});
  ASSERT_EQ(first.exitCode, 0) << first.err << d.mefLog() << gba->log();
  auto summary = nlohmann::json::parse(first.out);
  EXPECT_FALSE(summary["gba"]["reusedBootstrapping"].get<bool>());
  EXPECT_TRUE(summary["gba"]["pskIdentity"].get<std::string>().starts_with("3GPP-bootstrapping."));
  EXPECT_TRUE(summary["keId"].get<std::string>().ends_with(std::string("@") + LoopbackDeployment::kMefFqdn));
  EXPECT_TRUE(d.store().findEnrolmentKeyOf(kCse).has_value());
  EXPECT_TRUE(contains(d.mefLog(), "gba 'cse1.test.example'")) << d.mefLog();

  // Seed 8.3.2.3 step 2: the kept Ks serves again, without a new Ub run (SQN stays).
  auto sqnBefore = enrolee::SimulatedUsim::load(usim).sqn();
  auto second = gba->enrol(kCse, usim, {"--json"});
  ASSERT_EQ(second.exitCode, 0) << second.err;
  EXPECT_TRUE(nlohmann::json::parse(second.out)["gba"]["reusedBootstrapping"].get<bool>());
  EXPECT_EQ(enrolee::SimulatedUsim::load(usim).sqn(), sqnBefore);
  // Ks is sealed in the kept file, not in plain text.
  auto kept = runProcess({"cat", d.credentialFile(kCse).string() + ".gba"});
  EXPECT_TRUE(contains(kept.out, "\"ks\"")) << kept.out;
}

TEST_F(GbaEnrolment, AKeptBtidTheBsfForgotLeadsToANewBootstrapping) {
  auto usim = gba->createUsim("cse1", kImpi);
  ASSERT_EQ(gba->enrol(kCse, usim).exitCode, 0);
  // The BSF loses its sessions (say, a restored backup); the MEF's cache is bypassed by a restart.
  auto wiped = runProcess({"sqlite3", (d.dir() / "bsf.db").string(), "DELETE FROM bootstrapping_sessions;"});
  ASSERT_EQ(wiped.exitCode, 0) << wiped.err;
  d.stopMef();
  d.startMef(gba->mefToml());
  auto again = gba->enrol(kCse, usim, {"--json"});
  ASSERT_EQ(again.exitCode, 0) << again.err << d.mefLog();
  EXPECT_FALSE(nlohmann::json::parse(again.out)["gba"]["reusedBootstrapping"].get<bool>());
  EXPECT_TRUE(contains(d.mefLog(), "unknown or expired")) << d.mefLog();
}

TEST_F(GbaEnrolment, GbaUEnrolsWithKsIntNaf) {
  ASSERT_EQ(gba->addSubscriber("uicc@ims.test.example", LoopbackDeployment::kMefFqdn, true).exitCode, 0);
  gba->registerEnrolee("cse2.test.example", "uicc@ims.test.example");
  auto r = gba->enrol("cse2.test.example", gba->createUsim("cse2", "uicc@ims.test.example"), {"--gba-u", "--json"});
  ASSERT_EQ(r.exitCode, 0) << r.err << d.mefLog();
  EXPECT_TRUE(
      nlohmann::json::parse(r.out)["gba"]["pskIdentity"].get<std::string>().starts_with("3GPP-bootstrapping-uicc."));
}

TEST_F(GbaEnrolment, WrongKIsAMacFailureAtTheUsim) {
  auto usim = gba->createUsim("wrong", kImpi, 0, kOtherK);
  auto r = gba->enrol(kCse, usim);
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(r.err, "AUTN MAC mismatch")) << r.err;
  EXPECT_EQ(enrolee::SimulatedUsim::load(usim).sqn(), 0u);  // nothing accepted
  EXPECT_FALSE(d.store().findEnrolmentKeyOf(kCse).has_value());
}

TEST_F(GbaEnrolment, OldSqnAtTheHssResynchronisesThenSucceeds) {
  auto usim = gba->createUsim("ahead", kImpi, 1000);  // the USIM has seen SQN 1000, the HSS is at 0
  auto r = gba->enrol(kCse, usim);
  ASSERT_EQ(r.exitCode, 0) << r.err << gba->log();
  EXPECT_TRUE(contains(gba->log(), "resynchronised SQN")) << gba->log();
  EXPECT_EQ(enrolee::SimulatedUsim::load(usim).sqn(), 1001u);
  auto list = d.rspf({"bsf", "subscriber", "list", "--config", gba->config().string(), "--json"});
  EXPECT_EQ(nlohmann::json::parse(list.out)[0]["sqn"], 1001) << list.out;
}

TEST_F(GbaEnrolment, UnknownImpiAtTheBsfIsRefused) {
  auto r = gba->enrol(kCse, gba->createUsim("stranger", "stranger@ims.test.example"));
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(r.err, "unknown subscriber")) << r.err;
}

TEST_F(GbaEnrolment, ImpiRegisteredToNoEnroleeIsRefusedByTheMef) {
  ASSERT_EQ(gba->addSubscriber("orphan@ims.test.example", LoopbackDeployment::kMefFqdn).exitCode, 0);
  auto r = gba->enrol("orphan.test.example", gba->createUsim("orphan", "orphan@ims.test.example"));
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(r.err, "PSK identity")) << r.err;
  EXPECT_TRUE(contains(d.mefLog(), "registered to no Enrolee")) << d.mefLog();
}

TEST_F(GbaEnrolment, NafOutsideTheGussIsRefused) {
  ASSERT_EQ(gba->addSubscriber("elsewhere@ims.test.example", "other.test.example").exitCode, 0);
  gba->registerEnrolee("cse3.test.example", "elsewhere@ims.test.example");
  auto r = gba->enrol("cse3.test.example", gba->createUsim("elsewhere", "elsewhere@ims.test.example"));
  EXPECT_NE(r.exitCode, 0);
  EXPECT_TRUE(contains(d.mefLog(), "User Security Settings")) << d.mefLog();
  EXPECT_FALSE(d.store().findEnrolmentKeyOf("cse3.test.example").has_value());
}

TEST_F(GbaEnrolment, ZnRefusesAClientWithoutCertificate) {
  auto anchors = ca::loadCertificatesFile(gba->trustAnchors());
  ca::X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), anchors.front().get());
  transport::HttpsClient client(*transport::parseHttpsUrl(gba->url()), GbaDeployment::kBsfFqdn,
                                tls::CertificateClientCredentials{nullptr, nullptr, store.get()});
  auto r = client.request({"GET", "/zn/keys?btid=x&nafId=00", {}, ""});
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_TRUE(contains(r.body, "certificate")) << r.body;
  // Ub on the same connection: an oversized Authorization is a 400 with a clear reason.
  transport::HttpRequest big{"GET", "/", {{"Authorization", "Digest username=\"" + std::string(3000, 'a') + "\""}}, ""};
  auto tooBig = client.request(big);
  EXPECT_EQ(tooBig.status, 400);
  EXPECT_TRUE(contains(tooBig.body, "exceeds the limit")) << tooBig.body;
  auto malformed = client.request({"GET", "/", {{"Authorization", "Digest username"}}, ""});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_TRUE(contains(malformed.body, "malformed Digest")) << malformed.body;
}

// Issue 9: the BSF's challenge limit was global, so one known IMPI gave every subscriber 503 and burnt
// SQNs. Over the real Ub listener: a flood for one IMPI is refused past 4 unanswered challenges, uses
// no SQN for the refusals, and another subscriber still bootstraps and enrols.
TEST_F(GbaEnrolment, AFloodOfChallengesForOneImpiDeniesNobodyElse) {
  const std::string otherImpi = "001010000000002@ims.mnc001.mcc001.3gppnetwork.org";
  ASSERT_EQ(gba->addSubscriber(otherImpi, LoopbackDeployment::kMefFqdn).exitCode, 0);
  gba->registerEnrolee("cse2.test.example", otherImpi);
  auto anchors = ca::loadCertificatesFile(gba->trustAnchors());
  ca::X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), anchors.front().get());
  transport::HttpsClient client(*transport::parseHttpsUrl(gba->url()), GbaDeployment::kBsfFqdn,
                                tls::CertificateClientCredentials{nullptr, nullptr, store.get()});
  const transport::HttpRequest challenge{
      "GET",
      "/",
      {{"Authorization", std::string("Digest username=\"") + kImpi +
                             "\", realm=\"bsf.test.example\", nonce=\"\", uri=\"/\", response=\"\""}},
      ""};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(client.request(challenge).status, 401);
  for (int i = 0; i < 20; ++i) {
    auto refused = client.request(challenge);
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_TRUE(contains(refused.body, "this IMPI has 4 unanswered challenges")) << refused.body;
  }
  auto usim = gba->createUsim("cse2", otherImpi);
  auto other = gba->enrol("cse2.test.example", usim);
  EXPECT_EQ(other.exitCode, 0) << other.err << gba->log();
  auto list = runProcess({RSPF_BINARY, "bsf", "subscriber", "list", "--config", gba->config().string(), "--json"});
  ASSERT_EQ(list.exitCode, 0) << list.err;
  for (const auto& s : nlohmann::json::parse(list.out)) {
    if (s["impi"] == kImpi) {
      EXPECT_EQ(s["sqn"], 4) << "the refused challenges used SQNs";
    }
  }
}

TEST_F(GbaEnrolment, ZnRefusesANafCertificateFromAnotherCa) {
  // A self-signed certificate naming the MEF: it does not chain to the BSF's NAF trust anchors.
  auto made = runProcess({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                          "-subj", "/CN=mef.test.example", "-addext", "subjectAltName=DNS:mef.test.example", "-days",
                          "1", "-keyout", (d.dir() / "rogue.key").string(), "-out", (d.dir() / "rogue.pem").string()});
  ASSERT_EQ(made.exitCode, 0) << made.err;
  auto certificate = ca::loadCertificateFile(d.dir() / "rogue.pem");
  auto key = ca::loadPrivateKeyFile(d.dir() / "rogue.key");
  auto anchors = ca::loadCertificatesFile(gba->trustAnchors());
  ca::X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), anchors.front().get());
  try {
    transport::HttpsClient client(*transport::parseHttpsUrl(gba->url()), GbaDeployment::kBsfFqdn,
                                  tls::CertificateClientCredentials{certificate.get(), key.get(), store.get()});
    auto r = client.request({"GET", "/zn/keys?btid=x&nafId=00", {}, ""});
    ADD_FAILURE() << "the BSF answered a rogue NAF: " << r.status << " " << r.body;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Tls) << e.what();
  }
  EXPECT_TRUE(contains(gba->log(), "Zn client certificate refused")) << gba->log();
}

class GbaShortLifetime : public GbaEnrolment {
 protected:
  void SetUp() override { start("2s"); }
};

TEST_F(GbaShortLifetime, ExpiredBtidIsRefusedByTheMef) {
  auto usim = enrolee::SimulatedUsim::load(gba->createUsim("short", kImpi));
  auto key = enrolee::runBootstrapping(bsf(), usim);
  enrolee::EnrolOptions options;
  options.mefUrl = d.mefUrl();
  options.mefFqdn = LoopbackDeployment::kMefFqdn;
  options.gba = key;
  EXPECT_NO_THROW(enrolee::enrol(options));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  try {
    enrolee::enrol(options);
    ADD_FAILURE() << "an expired B-TID was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Tls) << e.what();
  }
  EXPECT_TRUE(contains(d.mefLog(), "unknown or expired")) << d.mefLog();
}

}  // namespace
}  // namespace rspf::testing
