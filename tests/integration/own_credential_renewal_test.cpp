// Months of unattended operation (issue 10 item 1): a running `rspf target` re-keys its own
// enrolment with the MEF before it expires, without a gap and with a log line; a renewal that fails
// is retried with back-off and shows on /healthz (503 before the credential lapses) and /metrics.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "admin/administration.hpp"
#include "support/http_probe.hpp"
#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kTarget = "cse1.test.example";
constexpr const char* kEnrolee = "ae1.test.example";
constexpr const char* kObservability =
    "\n[observability]\nlisten = \"127.0.0.1:0\"\nready_file = \"target-obs.ready\"\n";

std::string readFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

std::string readyAddress(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

class OwnEnrolmentRenewal : public ::testing::Test {
 protected:
  // The target's own enrolment lasts `lifetime`; it renews `renewBefore` ahead.
  void start(std::chrono::seconds lifetime, const std::string& renewBefore) {
    store::EnrolmentPolicy own;
    own.enrolmentExpiry = lifetime;
    d.addTargetIdentity(kTarget, own);
    store::EnrolmentPolicy p;
    p.directKeys = {{kTarget, "SAEF"}};
    p.enrolmentExpiry = std::chrono::hours(1);
    d.addEnrolee(kEnrolee, p);
    d.startMef("rekey_grace = \"5s\"");
    targetUrl = d.startTarget(kTarget, "SAEF", kObservability, "renew_before = \"" + renewBefore + "\"");
    observability = "http://" + readyAddress(d.dir() / "target-obs.ready");
  }
  LoopbackDeployment d;
  std::string targetUrl;
  std::string observability;
};

TEST_F(OwnEnrolmentRenewal, ATargetRunningPastItsFirstEnrolmentStillServesNewEnrolees) {
  start(std::chrono::seconds(6), "3s");
  auto first = d.store().findEnrolmentKeyOf(kTarget);
  ASSERT_TRUE(first);
  // Past the first enrolment's expiry: without renewal the target could fetch no key any more.
  std::this_thread::sleep_for(std::chrono::seconds(7));
  auto current = d.store().findEnrolmentKeyOf(kTarget);
  ASSERT_TRUE(current);
  EXPECT_NE(current->relativeKeId, first->relativeKeId);
  EXPECT_EQ(current->framework, "reauth");  // by its KreId/Kre, no bootstrap credential
  EXPECT_NE(d.targetLog(kTarget).find("re-keyed its enrolment"), std::string::npos) << d.targetLog(kTarget);

  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  auto connected = d.connect(kEnrolee, targetUrl, kTarget);
  EXPECT_EQ(connected.exitCode, 0) << connected.out << connected.err << d.targetLog(kTarget);
  EXPECT_EQ(httpGet(observability + "/healthz").status, 200);
  auto metrics = httpGet(observability + "/metrics").body;
  EXPECT_GE(
      metricSample(metrics, "rspf_credential_renewals_total", {{"credential", "enrolment"}, {"outcome", "renewed"}}), 1)
      << metrics;
  EXPECT_GT(metricSample(metrics, "rspf_credential_expiry_timestamp_seconds", {{"credential", "enrolment"}}),
            static_cast<double>(toUnix(now())))
      << metrics;
}

TEST_F(OwnEnrolmentRenewal, AFailedRenewalShowsOnHealthzBeforeTheCredentialLapsesAndIsRetried) {
  start(std::chrono::seconds(40), "37s");  // due 3 s after the start, valid 40 s
  ASSERT_EQ(httpGet(observability + "/healthz").status, 200);
  // The MEF refuses the target (disabled): the re-authentication and the Kpm fallback fail.
  admin::setEnroleeEnabled(d.store(), kTarget, false);
  std::this_thread::sleep_for(std::chrono::seconds(5));
  EXPECT_EQ(httpGet(observability + "/healthz").status, 503) << d.targetLog(kTarget);
  auto metrics = httpGet(observability + "/metrics").body;
  EXPECT_GE(
      metricSample(metrics, "rspf_credential_renewals_total", {{"credential", "enrolment"}, {"outcome", "failed"}}), 1)
      << metrics;
  EXPECT_NE(d.targetLog(kTarget).find("renewal failed"), std::string::npos);
  // Re-enabled: a retry (back-off 1, 2, 4 s ...) renews, and /healthz recovers, long before the expiry.
  admin::setEnroleeEnabled(d.store(), kTarget, true);
  for (int i = 0; i < 40 && httpGet(observability + "/healthz").status != 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  EXPECT_EQ(httpGet(observability + "/healthz").status, 200) << d.targetLog(kTarget);
  EXPECT_NE(d.targetLog(kTarget).find("re-keyed its enrolment"), std::string::npos);
}

// The MEF's certificate from its embedded CA is renewed while it runs and presented in new
// handshakes: a MAF (which verifies it for MEF Key Retrieval) still fetches keys after the first
// certificate expired.
TEST(MefCertificateRenewal, NewHandshakesPresentTheRenewedCertificateWithoutARestart) {
  constexpr const char* kMaf = "maf.test.example";
  LoopbackDeployment d;
  d.createCertificateAuthority({"test.example"}, {".test.example"});
  admin::addTarget(d.store(), kMaf, "MAF");
  d.startMef(
      "\n[tls]\nembedded_certificate_validity = \"8s\"\nrenew_before = \"4s\"\n"
      "\n[observability]\nlisten = \"127.0.0.1:0\"\nready_file = \"obs.ready\"\n");
  auto observability = "http://" + d.waitForMefReadyFile("obs.ready");
  auto mafUrl = d.startMaf(kMaf);
  store::EnrolmentPolicy p;
  p.maf = store::MafInstruction{kMaf, mafUrl, "symmetric", {"SAEF"}};
  p.enrolmentExpiry = std::chrono::hours(1);
  d.addEnrolee(kEnrolee, p);
  std::this_thread::sleep_for(std::chrono::seconds(10));  // the first certificate has expired

  auto enrolled = d.enrol(kEnrolee, {"--maf"});
  EXPECT_EQ(enrolled.exitCode, 0) << enrolled.out << enrolled.err << d.targetLog(kMaf);
  EXPECT_NE(d.mefLog().find("renewed from the embedded CA"), std::string::npos) << d.mefLog();
  EXPECT_EQ(httpGet(observability + "/healthz").status, 200);
  auto metrics = httpGet(observability + "/metrics").body;
  EXPECT_GE(
      metricSample(metrics, "rspf_credential_renewals_total", {{"credential", "certificate"}, {"outcome", "renewed"}}),
      2)
      << metrics;
}

// A MAF renews the certificate it authenticates to the MEF with (EST simplereenroll) before it
// expires: after the first certificate expired it still fetches Km for a Remote MAF Enrolment.
TEST(MafCertificateRenewal, TheMafStillFetchesKeysAfterItsFirstCertificateExpired) {
  constexpr const char* kMaf = "maf.test.example";
  LoopbackDeployment d;
  d.createCertificateAuthority({"test.example"}, {".test.example"});
  admin::addTarget(d.store(), kMaf, "MAF");
  d.startMef();
  // Issued for 8 s (back-dated 300 s): within its last 10 % at once, so it is renewed at the start.
  // Read before the MAF starts: it may replace the file before startMaf returns.
  d.issueMafCertificate(kMaf, std::chrono::seconds(8));
  auto firstPem = readFile(d.dir() / (std::string(kMaf) + ".pem"));
  auto mafUrl = d.startIssuedMaf(kMaf);
  store::EnrolmentPolicy p;
  p.maf = store::MafInstruction{kMaf, mafUrl, "symmetric", {"SAEF"}};
  p.enrolmentExpiry = std::chrono::hours(1);
  d.addEnrolee(kEnrolee, p);
  std::this_thread::sleep_for(std::chrono::seconds(9));

  auto enrolled = d.enrol(kEnrolee, {"--maf"});
  EXPECT_EQ(enrolled.exitCode, 0) << enrolled.out << enrolled.err << d.targetLog(kMaf);
  EXPECT_NE(d.targetLog(kMaf).find("renewed its certificate by EST"), std::string::npos) << d.targetLog(kMaf);
  EXPECT_NE(readFile(d.dir() / (std::string(kMaf) + ".pem")), firstPem);  // the file was replaced
  EXPECT_EQ(d.store().listIssuedCertificates(kMaf).size(), 1u);
}

TEST(RenewalMarginSetting, ABadMarginIsRefusedAtStart) {
  LoopbackDeployment d;
  d.addTargetIdentity(kTarget);
  d.startMef();
  EXPECT_THROW(d.startTarget(kTarget, "SAEF", "", "renew_before = \"150%\""), std::runtime_error);
  EXPECT_NE(d.targetLog(kTarget).find("renew_before"), std::string::npos) << d.targetLog(kTarget);
}

}  // namespace
}  // namespace rspf::testing
