// Metrics the way Prometheus users expect them (issue 13 item 8): rspf_build_info, process metrics,
// labelled series present at zero before anything happened, the target's key-retrieval counters,
// and docs/grafana-dashboard.json naming only metrics the MEF really exposes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "admin/administration.hpp"
#include "support/loopback_deployment.hpp"
#include "support/test_paths.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kObservability = "\n[observability]\nlisten = \"127.0.0.1:0\"\nready_file = \"obs.ready\"\n";

std::string scrape(const std::string& hostPort) {
  auto r = runProcess({"curl", "-sf", "--max-time", "10", "http://" + hostPort + "/metrics"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  return r.out;
}

// The series of an exposition: "name{labels}" -> value.
std::map<std::string, double> series(const std::string& exposition) {
  std::map<std::string, double> out;
  std::istringstream in(exposition);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

std::set<std::string> metricNames(const std::map<std::string, double>& all) {
  std::set<std::string> names;
  for (const auto& [s, v] : all) names.insert(s.substr(0, s.find('{')));
  return names;
}

TEST(Metrics, BuildProcessAndZeroInitialisedSeriesAreThereFromTheFirstScrape) {
  LoopbackDeployment d;
  d.startMef(kObservability);
  auto all = series(scrape(d.waitForMefReadyFile("obs.ready")));
  EXPECT_EQ(all["rspf_build_info{version=\"0.1.0\"}"], 1);
  EXPECT_GT(all["process_resident_memory_bytes"], 1e6);
  EXPECT_GE(all["process_open_fds"], 5);
  EXPECT_GE(all.count("process_cpu_seconds_total"), 1u);
  const double started = all["process_start_time_seconds"];
  EXPECT_LT(std::abs(started - static_cast<double>(std::time(nullptr))), 600) << started;
  for (const char* zero :
       {"rspf_procedures_total{outcome=\"forbidden\",procedure=\"enrolment_exchange\"}",
        "rspf_procedures_total{outcome=\"success\",procedure=\"key_retrieval\"}",
        "rspf_handshakes_total{framework=\"certificate\",outcome=\"refused\"}",
        "rspf_http_requests_total{status_class=\"5xx\"}", "rspf_admin_api_requests_total{status_class=\"4xx\"}"}) {
    ASSERT_TRUE(all.count(zero)) << zero;
    EXPECT_EQ(all[zero], 0) << zero;
  }
}

TEST(Metrics, TheTargetCountsAndTimesItsKeyRetrievals) {
  LoopbackDeployment d;
  const std::string target = "cse1.test.example", enrolee = "ae1.test.example";
  d.addTargetIdentity(target);
  store::EnrolmentPolicy policy;
  policy.directKeys = {{target, "SAEF"}};
  policy.enrolmentExpiry = std::chrono::hours(1);
  d.addEnrolee(enrolee, policy);
  d.startMef();
  auto url =
      d.startTarget(target, "SAEF", "\n[observability]\nlisten = \"127.0.0.1:0\"\nready_file = \"tobs.ready\"\n");
  ASSERT_EQ(d.enrol(enrolee).exitCode, 0);
  ASSERT_EQ(d.connect(enrolee, url, target).exitCode, 0);
  std::ifstream ready(d.dir() / "tobs.ready");
  std::string hostPort;
  std::getline(ready, hostPort);
  auto all = series(scrape(hostPort));
  EXPECT_EQ(all["rspf_key_retrieval_requests_total{outcome=\"success\"}"], 1);
  EXPECT_EQ(all["rspf_key_retrieval_requests_total{outcome=\"not_found\"}"], 0);
  EXPECT_EQ(all["rspf_key_retrieval_duration_seconds_count"], 1);
  EXPECT_GT(all["rspf_key_retrieval_duration_seconds_sum"], 0);
}

TEST(Metrics, TheGrafanaDashboardNamesOnlyMetricsTheMefExposes) {
  LoopbackDeployment d;
  d.startMef(kObservability);
  auto exposed = metricNames(series(scrape(d.waitForMefReadyFile("obs.ready"))));
  std::ifstream in(std::string(RSPF_DOCS_DIR) + "/grafana-dashboard.json");
  auto dashboard = nlohmann::json::parse(in);
  ASSERT_TRUE(dashboard["panels"].is_array());
  std::size_t checked = 0;
  const std::regex metric("\\b(rspf_[a-z_]+|process_[a-z_]+)\\b");
  for (const auto& panel : dashboard["panels"]) {
    ASSERT_FALSE(panel["targets"].empty()) << panel["title"];
    for (const auto& target : panel["targets"]) {
      auto expr = target["expr"].get<std::string>();
      std::size_t inExpr = 0;
      for (std::sregex_iterator it(expr.begin(), expr.end(), metric), end; it != end; ++it, ++inExpr) {
        EXPECT_TRUE(exposed.count((*it)[1].str())) << (*it)[1].str() << " in panel " << panel["title"];
        ++checked;
      }
      EXPECT_GT(inExpr, 0u) << expr;
    }
  }
  EXPECT_GE(checked, 12u);
}

}  // namespace
}  // namespace rspf::testing
