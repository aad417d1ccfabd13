// Observability of the long-running roles with real processes: /metrics after a real enrolment,
// /healthz, and JSON log lines that parse and hold no key.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <sstream>

#include "admin/administration.hpp"
#include "crypto/encoding.hpp"
#include "observability/observability_server.hpp"
#include "support/http_probe.hpp"
#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kTarget = "cse1.test.example";
constexpr const char* kEnrolee = "ae1.test.example";
constexpr const char* kObservability = "\n[observability]\nlisten = \"127.0.0.1:0\"\nready_file = \"obs.ready\"\n";

store::EnrolmentPolicy pairWith(const std::string& target) {
  store::EnrolmentPolicy p;
  p.directKeys = {{target, "SAEF"}};
  p.enrolmentExpiry = std::chrono::hours(1);
  return p;
}

class Observability : public ::testing::Test {
 protected:
  void SetUp() override {
    targetKpm = d.addEnrolee(kTarget);
    admin::addTarget(d.store(), kTarget, "CSE");
    enroleeKpm = d.addEnrolee(kEnrolee, pairWith(kTarget));
  }
  LoopbackDeployment d;
  std::string targetKpm, enroleeKpm;
};

TEST_F(Observability, MetricsCountARealEnrolmentAndKeyRetrieval) {
  d.startMef(kObservability);
  std::string metricsUrl = "http://" + d.waitForMefReadyFile("obs.ready") + "/metrics";
  auto targetUrl = d.startTarget(kTarget);
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  auto connected = d.connect(kEnrolee, targetUrl, kTarget);
  ASSERT_EQ(connected.exitCode, 0) << connected.err;
  // A refused handshake: the wrong Kpm.
  std::ofstream(d.kpmFile("ae1.test.example")) << std::string(64, 'a') << "\n";
  EXPECT_NE(d.enrol(kEnrolee).exitCode, 0);

  auto scraped = httpGet(metricsUrl);
  ASSERT_EQ(scraped.status, 200);
  const auto& m = scraped.body;
  // The target enrolled too (its own KreId), then the Enrolee.
  EXPECT_GE(metricSample(m, "rspf_procedures_total", {{"procedure", "enrolment_exchange"}, {"outcome", "success"}}), 2)
      << m;
  EXPECT_GE(metricSample(m, "rspf_procedures_total", {{"procedure", "key_retrieval"}, {"outcome", "success"}}), 1) << m;
  EXPECT_GE(metricSample(m, "rspf_handshakes_total", {{"framework", "psk"}, {"outcome", "accepted"}}), 2) << m;
  EXPECT_GE(metricSample(m, "rspf_handshakes_total", {{"framework", "reauth"}, {"outcome", "accepted"}}), 1) << m;
  EXPECT_GE(metricSample(m, "rspf_handshakes_total", {{"framework", "none"}, {"outcome", "refused"}}), 1) << m;
  EXPECT_GE(metricSample(m, "rspf_http_requests_total", {{"status_class", "2xx"}}), 3) << m;
  EXPECT_GE(metricSample(m, "rspf_http_request_duration_seconds_count", {}), 3) << m;
  EXPECT_GE(metricSample(m, "rspf_store_write_duration_seconds_count", {{"operation", "commit_enrolment"}}), 2) << m;
}

// Issue 14 item 5: a target's first contacts share its kept-alive session with the MEF, so three
// Key Retrievals cost one re-authentication handshake, not three.
TEST_F(Observability, ATargetsKeyRetrievalsShareOneSessionWithTheMef) {
  d.startMef(kObservability);
  std::string metricsUrl = "http://" + d.waitForMefReadyFile("obs.ready") + "/metrics";
  auto targetUrl = d.startTarget(kTarget);
  for (const std::string id : {"ae2.test.example", "ae3.test.example"}) d.addEnrolee(id, pairWith(kTarget));
  for (const std::string id : {kEnrolee, "ae2.test.example", "ae3.test.example"}) {
    ASSERT_EQ(d.enrol(id).exitCode, 0);
    auto connected = d.connect(id, targetUrl, kTarget);
    ASSERT_EQ(connected.exitCode, 0) << connected.err << d.targetLog(kTarget);
  }
  auto m = httpGet(metricsUrl).body;
  EXPECT_EQ(metricSample(m, "rspf_procedures_total", {{"procedure", "key_retrieval"}, {"outcome", "success"}}), 3) << m;
  EXPECT_EQ(metricSample(m, "rspf_handshakes_total", {{"framework", "reauth"}, {"outcome", "accepted"}}), 1) << m;
}

TEST(ObservabilityOfEst, CertificateEnrolmentsAreCountedPendingThenSuccess) {
  LoopbackDeployment d;
  d.createCertificateAuthority({"test.example"});
  store::EnrolmentPolicy policy;
  policy.certificate = store::CertificatePolicy{"cse", {"SAEF"}, std::chrono::hours(24), "", true};
  d.addEnrolee(kTarget, policy);
  d.startMef(std::string("est_retry_after = 1") + kObservability);
  std::string metricsUrl = "http://" + d.waitForMefReadyFile("obs.ready") + "/metrics";
  EXPECT_NE(d.enrol(kTarget, {"--certificate"}).exitCode, 0);  // held for approval: 202
  policy.certificate->requireApproval = false;                 // each attempt has a new key: approve by policy instead
  d.store().setEnroleePolicy(kTarget, policy);
  auto issued = d.enrol(kTarget, {"--certificate"});
  ASSERT_EQ(issued.exitCode, 0) << issued.err;
  auto m = httpGet(metricsUrl).body;
  EXPECT_GE(metricSample(m, "rspf_procedures_total", {{"procedure", "certificate_enrolment"}, {"outcome", "pending"}}),
            1)
      << m;
  EXPECT_EQ(metricSample(m, "rspf_procedures_total", {{"procedure", "certificate_enrolment"}, {"outcome", "success"}}),
            1)
      << m;
}

TEST_F(Observability, RefusalsAreCountedByOutcome) {
  d.store().setEnroleeEnabled(kEnrolee, false);
  d.startMef(kObservability);
  std::string metricsUrl = "http://" + d.waitForMefReadyFile("obs.ready") + "/metrics";
  EXPECT_NE(d.enrol(kEnrolee).exitCode, 0);
  auto m = httpGet(metricsUrl).body;
  EXPECT_EQ(metricSample(m, "rspf_procedures_total", {{"procedure", "enrolment_exchange"}, {"outcome", "forbidden"}}),
            1)
      << m;
  EXPECT_EQ(metricSample(m, "rspf_http_requests_total", {{"status_class", "4xx"}}), 1) << m;
}

TEST_F(Observability, HealthzAnswersOkForTheMefAndTheTarget) {
  d.startMef(kObservability);
  auto base = "http://" + d.waitForMefReadyFile("obs.ready");
  auto health = httpGet(base + "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(nlohmann::json::parse(health.body), nlohmann::json({{"status", "ok"}}));
  EXPECT_EQ(httpGet(base + "/nothing").status, 404);

  auto targetUrl = d.startTarget(kTarget, "SAEF",
                                 "\n[observability]\nlisten = \"127.0.0.1:0\"\nready_file = \"target-obs.ready\"\n");
  std::ifstream ready(d.dir() / "target-obs.ready");
  std::string address;
  std::getline(ready, address);
  ASSERT_FALSE(address.empty());
  auto targetHealth = httpGet("http://" + address + "/healthz");
  EXPECT_EQ(targetHealth.status, 200);
  EXPECT_EQ(nlohmann::json::parse(targetHealth.body), nlohmann::json({{"status", "ok"}}));
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  ASSERT_EQ(d.connect(kEnrolee, targetUrl, kTarget).exitCode, 0);
  auto targetMetrics = httpGet("http://" + address + "/metrics");
  EXPECT_EQ(targetMetrics.status, 200);
  EXPECT_EQ(
      metricSample(targetMetrics.body, "rspf_handshakes_total", {{"framework", "target-key"}, {"outcome", "accepted"}}),
      1)
      << targetMetrics.body;
  EXPECT_EQ(metricSample(targetMetrics.body, "rspf_http_requests_total", {{"status_class", "2xx"}}), 1)
      << targetMetrics.body;
}

TEST(ObservabilityServer, HealthzIsUnavailableWhenTheHealthCheckFails) {
  std::atomic<bool> healthy{false};
  observability::ObservabilityServer server({"127.0.0.1", 0, std::nullopt},
                                            {[] { return std::string("m 1\n"); }, [&] { return healthy.load(); }});
  server.start();
  auto base = "http://127.0.0.1:" + std::to_string(server.port());
  auto down = httpGet(base + "/healthz");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(nlohmann::json::parse(down.body), nlohmann::json({{"status", "unavailable"}}));
  healthy = true;
  EXPECT_EQ(httpGet(base + "/healthz").status, 200);
  EXPECT_EQ(httpGet(base + "/metrics").body, "m 1\n");
  server.stop();
}

TEST_F(Observability, JsonLogLinesParseAndHoldNoKey) {
  d.startMef("", {"--log-format", "json"});
  auto targetUrl = d.startTarget(kTarget);
  ASSERT_EQ(d.enrol(kEnrolee).exitCode, 0);
  ASSERT_EQ(d.connect(kEnrolee, targetUrl, kTarget).exitCode, 0);
  auto enrolment = d.store().findEnrolmentKeyOf(kEnrolee);
  ASSERT_TRUE(enrolment);
  std::vector<std::string> secrets = {enroleeKpm, targetKpm, crypto::toHex(enrolment->ke.view()),
                                      crypto::toHex(enrolment->kre.view())};

  auto log = d.mefLog();
  std::istringstream in(log);
  std::string line;
  int lines = 0;
  bool sawEnrolment = false;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++lines;
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
    for (const char* key : {"time", "level", "logger", "message", "fields"}) EXPECT_TRUE(j.contains(key)) << line;
    EXPECT_TRUE(j["fields"].is_object()) << line;
    if (j["fields"].value("event", "") == "enrolled" && j["fields"].value("enroleeId", "") == kEnrolee) {
      sawEnrolment = true;
      EXPECT_EQ(j["fields"]["framework"], "psk");
    }
  }
  EXPECT_GT(lines, 3);
  EXPECT_TRUE(sawEnrolment) << log;
  std::string lower = log;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const auto& secret : secrets) EXPECT_EQ(lower.find(secret), std::string::npos) << "a key is in the log";
}

}  // namespace
}  // namespace rspf::testing
