// Overload is refused, not suffered (issue 9 item 3), with a real `rspf mef`: connections held past
// the MEF listener's cap are refused at once while /healthz keeps answering, an enrolment succeeds
// as soon as a slot frees (or the handshake timeout frees one), and at the file-descriptor limit
// accept() backs off instead of spinning.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/loopback_deployment.hpp"
#include "support/raw_client.hpp"
#include "support/test_paths.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kEnrolee = "ae1.test.example";
constexpr const char* kObservability = "\n[observability]\nlisten = \"127.0.0.1:0\"\nready_file = \"obs.ready\"\n";

std::uint16_t portOf(const std::string& address) {
  return static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

int healthz(std::uint16_t port) { return statusOf(rawExchange(port, "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")); }

std::string metrics(std::uint16_t port) {
  return bodyOf(rawExchange(port, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n"));
}

std::vector<std::unique_ptr<RawClient>> hold(std::uint16_t port, int n) {
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < n; ++i) held.push_back(std::make_unique<RawClient>(port));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // accepted, sitting in their handshakes
  return held;
}

TEST(HardeningOverload, PastTheMefCapEnrolmentWaitsForASlotAndHealthzAnswersThroughout) {
  LoopbackDeployment d;
  d.addEnrolee(kEnrolee);
  d.startMef("max_connections = 6\nmax_handshakes_per_source = 100\nhandshake_timeout = \"60s\"\n" +
             std::string(kObservability));
  auto observability = portOf(d.waitForMefReadyFile("obs.ready"));
  auto held = hold(d.mefPort(), 6);
  ASSERT_TRUE(std::all_of(held.begin(), held.end(), [](const auto& c) { return c->connected(); }));

  EXPECT_EQ(healthz(observability), 200);
  // The seventh connection is closed at once, before any handshake work.
  RawClient refused(d.mefPort(), RawTls{RawTls::Kind::Psk, LoopbackDeployment::kMefFqdn, "x", "00"});
  EXPECT_FALSE(refused.handshake(std::chrono::seconds(2)));
  EXPECT_NE(d.enrol(kEnrolee).exitCode, 0);
  EXPECT_EQ(healthz(observability), 200);
  auto m = metrics(observability);
  EXPECT_NE(m.find("rspf_connections_refused_total{listener=\"mef\",reason=\"listener_full\"}"), std::string::npos)
      << m;

  held.pop_back();  // a slot frees
  auto begin = std::chrono::steady_clock::now();
  auto enrolled = d.enrol(kEnrolee);
  EXPECT_EQ(enrolled.exitCode, 0) << enrolled.err;
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(5));
  EXPECT_EQ(healthz(observability), 200);
  // The refusals were logged at a bounded rate, with a count.
  auto log = d.mefLog();
  EXPECT_NE(log.find("mef: listener_full"), std::string::npos) << log.substr(log.size() > 4000 ? log.size() - 4000 : 0);
}

TEST(HardeningOverload, TheHandshakeTimeoutFreesSlotsHeldBySilentClients) {
  LoopbackDeployment d;
  d.addEnrolee(kEnrolee);
  d.startMef("max_connections = 4\nhandshake_timeout = \"1s\"\n");
  auto held = hold(d.mefPort(), 4);
  EXPECT_TRUE(held.front()->closedByPeer(std::chrono::seconds(4)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto enrolled = d.enrol(kEnrolee);
  EXPECT_EQ(enrolled.exitCode, 0) << enrolled.err;
}

// utime + stime of `pid`, in seconds.
double cpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  long ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i)
    if (i == 14 || i == 15) ticks += std::stol(field);
  return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

TEST(HardeningOverload, AtTheFileDescriptorLimitAcceptBacksOffAndRecovers) {
  LoopbackDeployment d;
  d.addEnrolee(kEnrolee);
  std::ofstream(d.dir() / "mef.toml") << "[mef]\nfqdn = \"" << LoopbackDeployment::kMefFqdn
                                      << "\"\nlisten = \"127.0.0.1:0\"\nready_file = \"mef.ready\"\n"
                                         "max_connections = 10000\nmax_handshakes_per_source = 10000\n"
                                         "\n[store]\nsqlite = \"mef.db\"\nkek_file = \"kek\"\n";
  // soft = hard = 64: the MEF cannot raise it, and its connection cap is not what stops it.
  ChildProcess mef({"sh", "-c", "ulimit -n 64 && exec \"$@\"", "sh", RSPF_BINARY, "mef", "--config",
                    (d.dir() / "mef.toml").string()},
                   d.dir() / "mef.log");
  auto port = portOf(waitForReadyFile(d.dir() / "mef.ready", mef));
  auto url = "https://127.0.0.1:" + std::to_string(port);

  auto held = hold(port, 80);  // past the fd limit: the rest wait in the listen backlog
  double before = cpuSeconds(mef.pid());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  double used = cpuSeconds(mef.pid()) - before;
  auto logText = [&] {
    std::ifstream log(d.dir() / "mef.log");
    return std::string((std::istreambuf_iterator<char>(log)), {});
  };
  auto logTail = [&] {
    auto text = logText();
    return text.substr(text.size() > 3000 ? text.size() - 3000 : 0);
  };
  EXPECT_LT(used, 0.5) << "the MEF spun on accept";
  EXPECT_TRUE(mef.running()) << logTail();

  held.clear();  // fds free
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto enrolled = d.rspf({"enrol", "--mef", url, "--mef-fqdn", LoopbackDeployment::kMefFqdn, "--kpm-id",
                          std::string(kEnrolee) + "-kpm", "--kpm-file", d.kpmFile(kEnrolee).string(), "--credentials",
                          d.credentialFile(kEnrolee).string()});
  EXPECT_EQ(enrolled.exitCode, 0) << enrolled.err;
  EXPECT_NE(logText().find("accept_failed"), std::string::npos) << logTail();
}

}  // namespace
}  // namespace rspf::testing
