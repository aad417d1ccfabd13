#include "idle_connections_bench.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/err.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "bench_log.hpp"
#include "bench_options.hpp"
#include "bench_temp_dir.hpp"
#include "machine_facts.hpp"
#include "measured_phase.hpp"
#include "mef/mef_server.hpp"
#include "raw_connection.hpp"
#include "raw_tls.hpp"
#include "target_fixture.hpp"
#include "transport/listener_limits.hpp"

namespace rspf::bench {
namespace {

namespace fs = std::filesystem;

constexpr double kAimRssMb = 200;      // 10,000 idle connections under 200 MB of MEF RSS (issue 14 item 6)
constexpr double kAimRateRatio = 0.9;  // "while enrolments keep their rate"

struct Options {
  int connections = 10000;
  int clients = 4;
  double seconds = 3;
  bool keep = false;
  std::optional<double> minRatio;
};

const char* kUsageText =
    "usage: rspf_bench idle-connections [options]\n"
    "  --connections N   idle TLS-PSK connections held open to the MEF (default 10000)\n"
    "  --clients C       concurrent clients of the enrolment phases (default 4)\n"
    "  --seconds S       length of each enrolment phase (default 3)\n"
    "  --keep            keep the temporary directory (store, KEK, mef.log)\n"
    "  --min-ratio X     exit 3 when enrolments/s with the idle connections / without < X\n"
    "The MEF runs in a child process (so that its resident memory is its own; threads=2, SQLite store).\n"
    "Phases: PSK enrolments (the psk-enrolment load) with no idle connection; N connections opened,\n"
    "each a full TLS 1.2 PSK handshake and then no request; the same enrolments again while they stay\n"
    "open. The MEF's VmRSS is read before, with the idle connections and after the second phase.\n";

std::optional<Options> parse(const std::vector<std::string>& args) {
  Options o;
  auto onValue = [&o](const std::string& a, const std::string& v) {
    if (a == "--connections") o.connections = intOption(a, v, 1);
    if (a == "--clients") o.clients = intOption(a, v, 1);
    if (a == "--seconds") o.seconds = positiveOption(a, v);
    if (a == "--min-ratio") o.minRatio = positiveOption(a, v);
  };
  if (!walkOptions(
          args, {"--keep"}, {"--connections", "--clients", "--seconds", "--min-ratio"},
          [&o](const std::string&) { o.keep = true; }, onValue))
    return std::nullopt;
  return o;
}

// VmRSS of `pid` in MiB (0 when unreadable).
double residentMiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

// CPU seconds (user + system) of `pid` so far (0 when unreadable).
double cpuSecondsOf(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto end = all.rfind(')');  // after the command name, which may hold spaces
  if (end == std::string::npos) return 0;
  std::istringstream fields(all.substr(end + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i)
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// The load against the child, with the child's own CPU as the server's.
MeasuredPhase<LoadResult> measureAgainst(pid_t mef, std::string name, const LoadTarget& load,
                                         const LoadSettings& settings) {
  const double start = cpuSecondsOf(mef);
  auto p = measurePhase(std::move(name), [&] { return runLoad(load, settings); });
  p.serverCpuSeconds = cpuSecondsOf(mef) - start;
  return p;
}

// The MEF in a child process: forked before this process starts any thread. It reports its port on
// `portPipe` and serves until `stopPipe` closes.
class ChildMef {
 public:
  ChildMef(const mef::MefConfig& config, const fs::path& log) {
    int portPipe[2], stopPipe[2];
    if (::pipe(portPipe) != 0 || ::pipe(stopPipe) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::close(portPipe[0]);
      ::close(stopPipe[1]);
      int status = 0;
      try {
        logToFile(log);
        mef::MefServer server(config);
        server.start();
        const std::uint16_t port = server.port();
        if (::write(portPipe[1], &port, sizeof port) != sizeof port) status = 1;
        char byte;
        while (::read(stopPipe[0], &byte, 1) > 0) {
        }
        server.stop();
        server.wait();
        spdlog::shutdown();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "rspf_bench idle-connections: the MEF: %s\n", e.what());
        status = 1;
      }
      ::_exit(status);
    }
    ::close(portPipe[1]);
    ::close(stopPipe[0]);
    stopFd_ = stopPipe[1];
    if (::read(portPipe[0], &port_, sizeof port_) != sizeof port_) {
      ::close(portPipe[0]);
      stop();
      throw std::runtime_error("the MEF did not start (see its log)");
    }
    ::close(portPipe[0]);
  }
  ChildMef(const ChildMef&) = delete;
  ChildMef& operator=(const ChildMef&) = delete;
  ~ChildMef() { stop(); }

  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  // Ends the child; true when it exited cleanly.
  bool stop() {
    if (stopFd_ < 0) return exitedCleanly_;
    ::close(stopFd_);
    stopFd_ = -1;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exitedCleanly_ = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return exitedCleanly_;
  }

 private:
  pid_t pid_ = -1;
  int stopFd_ = -1;
  std::uint16_t port_ = 0;
  bool exitedCleanly_ = false;
};

// Opens `count` connections to the MEF, each a full PSK handshake, and keeps them (no request).
std::vector<std::unique_ptr<RawTlsConnection>> openIdle(std::uint16_t port, const std::vector<PskCredential>& kpms,
                                                        int count, std::string& firstFailure) {
  auto ctx = newRawPskClientContext();
  const auto address = loopbackAddress("127.0.0.1", port);
  std::vector<std::unique_ptr<RawTlsConnection>> open;
  open.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    try {
      auto c = std::make_unique<RawTlsConnection>(address, ctx.get(), std::chrono::seconds(5));
      SSL_set_app_data(c->ssl(), const_cast<PskCredential*>(&kpms[static_cast<std::size_t>(i) % kpms.size()]));
      c->handshake(kBenchMefFqdn, false);
      open.push_back(std::move(c));
    } catch (const std::exception& e) {
      ERR_clear_error();
      if (firstFailure.empty()) firstFailure = e.what();
    }
  }
  return open;
}

void print(const MeasuredPhase<LoadResult>& p) { printPhaseRow(p, p.load.cipher.empty() ? "-" : p.load.cipher); }

}  // namespace

int idleConnectionsBench(const std::vector<std::string>& args) {
  int exitStatus = 0;
  auto parsed = parseBenchOptions("idle-connections", kUsageText, parse, args, exitStatus);
  if (!parsed) return exitStatus;
  const Options& o = *parsed;
  try {
    const std::size_t fdLimit = transport::raiseFileDescriptorLimit();  // the child inherits it
    if (fdLimit < static_cast<std::size_t>(o.connections) + 512)
      throw std::runtime_error("the file-descriptor limit (" + std::to_string(fdLimit) + ") is too low for " +
                               std::to_string(o.connections) + " connections; raise it (ulimit -Hn)");
    BenchTempDir dir(fs::temp_directory_path(), o.keep);
    const fs::path kekFile = dir.path() / "kek";
    auto fixture = setUpTargetStore(dir.path() / "mef.sqlite", store::KeyEncryptionKey::generateFile(kekFile), 64);
    auto config = benchMefConfig(dir.path() / "mef.sqlite", kekFile, 2);
    config.limits.maxConnections = static_cast<std::size_t>(o.connections) + 256;
    config.limits.maxConnectionsPerSource = config.limits.maxConnections;  // every client is 127.0.0.1
    config.limits.idleTimeout = std::chrono::hours(1);
    ChildMef mef(config, dir.path() / "mef.log");

    std::printf("rspf_bench idle-connections: %d idle connections, %d clients, %.1f s per phase, MEF pid %d\n",
                o.connections, o.clients, o.seconds, static_cast<int>(mef.pid()));
    for (const auto& f : machineFacts(fs::temp_directory_path()))
      std::printf("  %-10s %s\n", f.name.c_str(), f.value.c_str());

    LoadTarget load;
    load.port = mef.port();
    load.serverName = kBenchMefFqdn;
    load.path = "/enrolment/exchange";
    load.body = R"({"certificateEnrolment":false,"mafEnrolment":false})";
    load.expectInBody = "\"keId\"";
    load.credentials = &fixture.enrolees;
    LoadSettings settings;
    settings.clients = o.clients;
    settings.duration = std::chrono::milliseconds(static_cast<long long>(o.seconds * 1000));

    const double rssStart = residentMiB(mef.pid());
    printPhaseHeader("conn/s", "cipher");
    auto without = measureAgainst(mef.pid(), "PSK enrolments, no idle connection", load, settings);
    print(without);
    const double rssBefore = residentMiB(mef.pid());
    std::string openFailure;
    const auto openStart = std::chrono::steady_clock::now();
    auto idle = openIdle(mef.port(), fixture.enrolees, o.connections, openFailure);
    const double openSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - openStart).count();
    const double rssIdle = residentMiB(mef.pid());
    auto with = measureAgainst(mef.pid(), "PSK enrolments, N idle connections", load, settings);
    print(with);
    const double rssAfter = residentMiB(mef.pid());
    const std::size_t held = idle.size();
    idle.clear();
    const bool clean = mef.stop();

    std::printf("\nidle connections opened: %zu of %d in %.2f s%s%s\n", held, o.connections, openSeconds,
                openFailure.empty() ? "" : "; first failure: ", openFailure.c_str());
    std::printf(
        "MEF VmRSS: %.1f MiB at start, %.1f after the first phase, %.1f with %zu idle connections (%.1f KiB "
        "each), %.1f after the second phase\n",
        rssStart, rssBefore, rssIdle, held, held > 0 ? (rssIdle - rssBefore) * 1024.0 / static_cast<double>(held) : 0,
        rssAfter);
    const double ratio = without.load.rate() > 0 ? with.load.rate() / without.load.rate() : 0;
    std::printf("aim: %d idle connections under %.0f MB of MEF RSS: %s (%.1f MiB = %.1f MB)\n", o.connections,
                kAimRssMb, rssAfter * 1.048576 < kAimRssMb ? "met" : "not met", rssAfter, rssAfter * 1.048576);
    std::printf("ratio with/without idle connections = %.3f   (%.1f / %.1f conn/s): aim >= %.1f, %s\n", ratio,
                with.load.rate(), without.load.rate(), kAimRateRatio, ratio >= kAimRateRatio ? "met" : "not met");
    if (o.keep) std::printf("kept %s\n", dir.path().c_str());
    bool failed = !clean || held != static_cast<std::size_t>(o.connections);
    for (const auto* p : {&without, &with}) failed = failed || p->load.failures > 0 || p->load.successes == 0;
    return benchExitStatus("idle-connections", failed,
                           "an idle connection or an enrolment failed, a phase completed none, or the MEF failed",
                           ratio, o.minRatio);
  } catch (const std::exception& e) {
    std::cerr << "rspf_bench idle-connections: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace rspf::bench
