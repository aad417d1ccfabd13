// Two `rspf bsf` processes on one PostgreSQL database (issue 12 item 4, last bullet): a subscriber's
// SQN is allocated in the database, so bootstrappings served by either instance at the same time
// never reuse one (TS 33.102 6.3.2: a reused SQN lets a replayed challenge through).
#include <gtest/gtest.h>

#include <fstream>
#include <latch>
#include <mutex>
#include <set>
#include <thread>

#include "common/error.hpp"
#include "common/text_file.hpp"
#include "enrolee/gba_bootstrap.hpp"
#include "enrolee/simulated_usim.hpp"
#include "support/gba_deployment.hpp"
#include "support/loopback_deployment.hpp"
#include "support/postgres_cluster.hpp"
#include "support/test_paths.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kImpi = "shared@ims.test.example";
constexpr int kClientsPerInstance = 2;  // within the per-IMPI challenge limit of each instance (4)
constexpr int kBootstrapsPerClient = 6;

// The BSF configuration with its subscriber store moved to `url`, written to `file`.
void writeSharedConfig(const std::filesystem::path& from, const std::filesystem::path& file, const std::string& url,
                       const std::string& readyFile) {
  std::string text = readTextFile(from, "the BSF configuration");
  auto replace = [&](const std::string& what, const std::string& with) {
    auto at = text.find(what);
    ASSERT_NE(at, std::string::npos) << what << " not in " << text;
    text.replace(at, what.size(), with);
  };
  replace("sqlite = \"bsf.db\"", "url = \"" + url + "\"");
  replace("ready_file = \"bsf.ready\"", "ready_file = \"" + readyFile + "\"");
  std::ofstream(file, std::ios::trunc) << text;
}

TEST(SharedBsf, TwoInstancesServingOneSubscriberNeverReuseASqn) {
  LoopbackDeployment d;
  GbaDeployment gba(d);
  const std::string url = PostgresCluster::shared().createDatabase();
  const auto configA = d.dir() / "bsf-a.toml";
  const auto configB = d.dir() / "bsf-b.toml";
  writeSharedConfig(gba.config(), configA, url, "bsf-a.ready");
  writeSharedConfig(gba.config(), configB, url, "bsf-b.ready");
  // The subscriber is added once, on the shared store; both instances serve it.
  for (auto [name, hex] : {std::pair{"k", GbaDeployment::kSet1K}, std::pair{"opc", GbaDeployment::kSet1Opc}}) {
    std::ofstream(d.dir() / name) << hex << "\n";
    std::filesystem::permissions(d.dir() / name,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  auto added = d.rspf({"bsf", "subscriber", "add", "--config", configA.string(), "--impi", kImpi, "--k-file",
                       (d.dir() / "k").string(), "--opc-file", (d.dir() / "opc").string(), "--guss",
                       LoopbackDeployment::kMefFqdn});
  ASSERT_EQ(added.exitCode, 0) << added.err;

  ChildProcess a({RSPF_BINARY, "bsf", "--config", configA.string()}, d.dir() / "bsf-a.log");
  ChildProcess b({RSPF_BINARY, "bsf", "--config", configB.string()}, d.dir() / "bsf-b.log");
  const std::string urls[] = {"https://" + waitForReadyFile(d.dir() / "bsf-a.ready", a),
                              "https://" + waitForReadyFile(d.dir() / "bsf-b.ready", b)};

  std::mutex mutex;
  std::vector<std::uint64_t> accepted;  // the SQN each successful bootstrapping's USIM accepted
  std::vector<std::string> failures;
  constexpr int kClients = 2 * kClientsPerInstance;
  std::vector<std::filesystem::path> usims;
  for (int i = 0; i < kClients; ++i) usims.push_back(gba.createUsim("client" + std::to_string(i), kImpi));
  std::latch start(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i)
    clients.emplace_back([&, i] {
      enrolee::BsfEndpoint bsf{urls[i % 2], GbaDeployment::kBsfFqdn, gba.trustAnchors()};
      auto usim = enrolee::SimulatedUsim::load(usims[i]);
      start.arrive_and_wait();
      for (int n = 0; n < kBootstrapsPerClient; ++n) {
        try {
          auto key = enrolee::runBootstrapping(bsf, usim);
          std::lock_guard lock(mutex);
          accepted.push_back(usim.sqn());
        } catch (const std::exception& e) {
          std::lock_guard lock(mutex);
          failures.emplace_back(e.what());
        }
      }
    });
  for (auto& t : clients) t.join();

  EXPECT_TRUE(failures.empty()) << failures.front() << "\nA:\n"
                                << readTextFile(d.dir() / "bsf-a.log", "log") << "\nB:\n"
                                << readTextFile(d.dir() / "bsf-b.log", "log");
  EXPECT_EQ(accepted.size(), static_cast<std::size_t>(kClients * kBootstrapsPerClient));
  std::set<std::uint64_t> distinct(accepted.begin(), accepted.end());
  EXPECT_EQ(distinct.size(), accepted.size()) << "a SQN was handed out twice across the two BSF instances";
  // Both instances served: each wrote bootstrapping lines to its own log.
  EXPECT_NE(readTextFile(d.dir() / "bsf-a.log", "log").find("B-TID"), std::string::npos);
  EXPECT_NE(readTextFile(d.dir() / "bsf-b.log", "log").find("B-TID"), std::string::npos);
}

}  // namespace
}  // namespace rspf::testing
