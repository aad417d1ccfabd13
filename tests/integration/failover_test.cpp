// Failover (issue 12 item 5): a primary with a synchronous streaming standby on loopback, two MEF
// instances with a multi-host URL, enrolments under load; the primary is stopped hard and the
// standby promoted. Every enrolment acknowledged with 200, before or after, is still served, and
// the test reports how long no enrolment succeeded.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/loopback_deployment.hpp"
#include "support/postgres_cluster.hpp"

namespace rspf {
namespace {

using Clock = std::chrono::steady_clock;
using testing::LoopbackDeployment;
using testing::PostgresCluster;

constexpr const char* kTarget = "target.test.example";

struct Acknowledged {
  std::string enroleeId;
  std::string relativeKeId;
  Clock::time_point at;
};

TEST(Failover, AcknowledgedEnrolmentsSurviveLosingThePrimaryAndTheMefsReconnectByThemselves) {
  PostgresCluster primary(PostgresCluster::Options{});
  const std::string single = primary.createDatabase();
  const std::string database =
      single.substr(single.find("dbname=") + 7, single.find(' ', single.find("dbname=")) - single.find("dbname=") - 7);
  PostgresCluster standby(primary, true, PostgresCluster::Options{});
  standby.start();
  primary.sql("postgres", "ALTER SYSTEM SET synchronous_standby_names = '*'");
  primary.sql("postgres", "SELECT pg_reload_conf()");
  for (int i = 0; i < 100 && primary.sql("postgres", "SELECT sync_state FROM pg_stat_replication") != "sync\n"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(primary.sql("postgres", "SELECT sync_state FROM pg_stat_replication"), "sync\n");

  // Both hosts; libpq takes the first that accepts writes.
  const std::string url = "host=127.0.0.1,127.0.0.1 port=" + std::to_string(primary.port()) + "," +
                          std::to_string(standby.port()) + " dbname=" + database +
                          " user=rspf passfile=" + primary.passfile().string() +
                          " target_session_attrs=read-write connect_timeout=2";
  LoopbackDeployment d(url);
  d.addTargetIdentity(kTarget);
  store::EnrolmentPolicy policy;
  policy.directKeys = {{kTarget, "SAEF"}};
  constexpr int kEnrolees = 200;
  for (int i = 0; i < kEnrolees; ++i) d.addEnrolee("e" + std::to_string(i) + ".test.example", policy);
  d.startMef();
  const std::vector<std::string> mefs = {d.mefUrl(), d.startMefInstance("mef-b")};

  std::mutex mutex;
  std::vector<Acknowledged> acknowledged;
  int refused = 0;
  std::atomic<int> next{0};
  std::atomic<bool> stop{false};
  // Each Enrolee enrols once; a refused attempt (the outage) is retried with the same Enrolee, so the
  // load cannot run out of Enrolees during the outage however fast the machine refuses.
  auto client = [&](int which) {
    int i = next++;
    while (!stop && i < kEnrolees) {
      const std::string id = "e" + std::to_string(i) + ".test.example";
      auto r =
          d.rspf({"enrol", "--mef", mefs[which], "--mef-fqdn", LoopbackDeployment::kMefFqdn, "--kpm-id", id + "-kpm",
                  "--kpm-file", d.kpmFile(id).string(), "--credentials", d.credentialFile(id).string(), "--json"});
      {
        std::lock_guard lock(mutex);
        if (r.exitCode == 0) {
          const std::string keId = nlohmann::json::parse(r.out)["keId"];
          acknowledged.push_back({id, keId.substr(0, keId.find('@')), Clock::now()});
        } else {
          ++refused;
        }
      }
      if (r.exitCode == 0)
        i = next++;
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
  const auto started = Clock::now();
  std::thread a(client, 0), b(client, 1);
  // The primary is lost under load: once 40 enrolments are acknowledged (at most 3 s), a fifth of
  // the Enrolees, so that enough are left for after the failover.
  std::size_t beforeFailover = 0;
  for (int waited = 0; waited < 300; ++waited) {
    {
      std::lock_guard lock(mutex);
      beforeFailover = acknowledged.size();
    }
    if (beforeFailover >= 40) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto lost = Clock::now();
  primary.stopImmediately();  // hard: no checkpoint, connections cut
  standby.promote();
  const auto promoted = Clock::now();
  // Load goes on until enough enrolments succeeded on the new primary (bounded).
  for (int i = 0; i < 150; ++i) {
    {
      std::lock_guard lock(mutex);
      std::size_t after = 0;
      for (const auto& ack : acknowledged) after += ack.at > promoted ? 1 : 0;
      if (after >= 10) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  a.join();
  b.join();

  // Seconds without service: from the last success before the primary was lost to the first after.
  Clock::time_point lastBefore = started, firstAfter = Clock::now();
  std::size_t afterFailover = 0;
  for (const auto& ack : acknowledged) {
    if (ack.at <= lost) lastBefore = std::max(lastBefore, ack.at);
    if (ack.at > lost) {
      firstAfter = std::min(firstAfter, ack.at);
      ++afterFailover;
    }
  }
  const double outage = std::chrono::duration<double>(firstAfter - lastBefore).count();
  const double promotion = std::chrono::duration<double>(promoted - lost).count();
  std::cout << "failover: " << acknowledged.size() << " enrolments acknowledged (" << beforeFailover
            << " before the primary was lost, " << afterFailover << " after), " << refused
            << " refused meanwhile; promotion took " << promotion << " s; no enrolment succeeded for " << outage
            << " s\n";
  ::testing::Test::RecordProperty("seconds_without_service", std::to_string(outage));
  EXPECT_GT(beforeFailover, 0u);
  EXPECT_GE(afterFailover, 10u) << "the MEFs did not resume after the failover";

  // 0 lost: every acknowledged KeId is served by the promoted standby.
  std::size_t served = 0;
  for (const auto& ack : acknowledged) {
    auto key = d.store().findEnrolmentKey(ack.relativeKeId);
    EXPECT_TRUE(key && key->enroleeId == ack.enroleeId) << ack.enroleeId << " lost";
    served += key ? 1 : 0;
  }
  EXPECT_EQ(served, acknowledged.size());
  // And through Key Retrieval end to end, for one enrolment from before the failover.
  d.useMef(mefs[1]);
  const std::string targetUrl = d.startTarget(kTarget);
  auto connected = d.connect(acknowledged.front().enroleeId, targetUrl, kTarget);
  EXPECT_EQ(connected.exitCode, 0) << connected.err << d.targetLog(kTarget);
}

}  // namespace
}  // namespace rspf
