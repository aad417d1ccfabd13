#include "coaps_enrolment_bench.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include "bench_enrolees.hpp"
#include "bench_log.hpp"
#include "bench_options.hpp"
#include "bench_temp_dir.hpp"
#include "crypto/primitives.hpp"
#include "load_client.hpp"
#include "machine_facts.hpp"
#include "measured_phase.hpp"
#include "mef/mef_server.hpp"
#include "raw_coaps_server.hpp"
#include "transport/coaps/coaps_client.hpp"

namespace rspf::bench {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMefFqdn = "mef.bench.example.com";
constexpr const char* kExchangeBody = R"({"certificateEnrolment":false,"mafEnrolment":false})";
constexpr double kAimRatio = 0.7;  // issue 11: at least 0.7 of the raw server

const char* kUsageText =
    "usage: rspf_bench coaps-enrolment [options]\n"
    "  --clients N        concurrent client threads (default 4)\n"
    "  --seconds S        length of each phase (default 5)\n"
    "  --enrolees M       Enrolees registered with the MEF, used in turn (default 64)\n"
    "  --keep             keep the temporary directory (store, KEK, log)\n"
    "  --min-ratio X      exit 3 when rspf/baseline < X\n"
    "Phases: a raw libcoap DTLS 1.2 PSK server (one network thread, the same suites, one fixed key, a fixed\n"
    "answer), then the MEF's CoAPS listener (one network thread, the store on disk, every enrolment\n"
    "durable before its answer). Each loads its server the same way: a new DTLS session with the full\n"
    "PSK handshake (HelloVerifyRequest cookie included), one CON POST /enrolment/exchange, its answer, close.\n";

std::optional<LoadOptions> parse(const std::vector<std::string>& args) { return parseLoadOptions(args, {}); }

// Where a successful session's time goes, as the client sees it: the DTLS handshake (cookie
// exchange included), then the exchange (request to answer; over the MEF, its durable commit).
struct SessionSplit {
  std::atomic<std::uint64_t> handshakeUs{0};
  std::atomic<std::uint64_t> exchangeUs{0};
  std::atomic<std::uint64_t> sessions{0};
  void print() const {
    if (sessions == 0) return;
    const double n = static_cast<double>(sessions.load());
    std::printf("  %-36s handshake %.3f ms, exchange %.3f ms (means per session)\n", "", handshakeUs / n / 1000,
                exchangeUs / n / 1000);
  }
};

// Each client thread, until the deadline: a fresh CoapsClient (DTLS handshake), one exchange, close.
LoadResult runCoapsLoad(std::uint16_t port, const std::vector<PskCredential>& credentials, const std::string& expect,
                        const LoadOptions& o, SessionSplit& split) {
  std::atomic<std::size_t> next{0};
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long long>(o.seconds * 1000));
  transport::Request exchange;
  exchange.method = transport::Method::Post;
  exchange.target = "/enrolment/exchange";
  exchange.contentFormat = transport::ContentFormat::Json;
  exchange.body = kExchangeBody;
  return runClientThreads(o.clients, [&](int, ClientTally& tally) {
    while (std::chrono::steady_clock::now() < deadline) {
      const auto& c = credentials[next++ % credentials.size()];
      const auto start = std::chrono::steady_clock::now();
      try {
        transport::CoapsClient client({"127.0.0.1", port}, tls::PskClientSettings{kMefFqdn, false},
                                      tls::PskClientCredentials{c.identity, c.psk}, std::chrono::seconds(5));
        const auto connected = std::chrono::steady_clock::now();
        auto answer = client.send(exchange, "the exchange");
        const auto answered = std::chrono::steady_clock::now();
        if (answer.body.find(expect) == std::string::npos) {
          tally.failed("unexpected answer: " + answer.body.substr(0, 200));
        } else {
          tally.succeeded(start);
          using std::chrono::microseconds;
          split.handshakeUs += std::chrono::duration_cast<microseconds>(connected - start).count();
          split.exchangeUs += std::chrono::duration_cast<microseconds>(answered - connected).count();
          ++split.sessions;
        }
      } catch (const std::exception& e) {
        tally.failed(e.what());
      }
    }
  });
}

}  // namespace

int coapsEnrolmentBench(const std::vector<std::string>& args) {
  int exitStatus = 0;
  auto parsed = parseBenchOptions("coaps-enrolment", kUsageText, parse, args, exitStatus);
  if (!parsed) return exitStatus;
  const LoadOptions& o = *parsed;
  try {
    BenchTempDir dir(fs::temp_directory_path(), o.keep);
    logToFile(dir.path() / "mef.log");
    const fs::path kekFile = dir.path() / "kek";
    store::StoreSettings storeSettings;
    storeSettings.sqlite = dir.path() / "mef.sqlite";
    auto kek = store::KeyEncryptionKey::generateFile(kekFile);
    auto credentials = registerEnrolees(storeSettings, kek, o.enrolees);

    std::printf("rspf_bench coaps-enrolment: %d clients, %.1f s per phase, %d Enrolees\n", o.clients, o.seconds,
                o.enrolees);
    for (const auto& f : machineFacts(dir.path())) std::printf("  %-10s %s\n", f.name.c_str(), f.value.c_str());
    printPhaseHeader("sessions/s", "");

    // The baseline: the same identities, one fixed key that its server gives every identity.
    auto psk = crypto::randomSecret(32);
    std::vector<PskCredential> fixed;
    for (const auto& c : credentials) fixed.push_back({c.identity, psk});
    SessionSplit baseSplit;
    auto base = [&] {
      RawCoapsServer server(psk, kMefFqdn);
      server.start();
      auto p = measurePhase("baseline raw libcoap DTLS-PSK",
                            [&] { return runCoapsLoad(server.port(), fixed, "\"Status\":true", o, baseSplit); });
      server.stop();
      return p;
    }();
    printPhaseRow(base, "");
    baseSplit.print();

    mef::MefConfig config;
    config.fqdn = kMefFqdn;
    config.host = "127.0.0.1";
    config.port = 0;
    config.coaps = config::HostPort{"127.0.0.1", 0};
    config.store = storeSettings;
    config.kekFile = kekFile;
    SessionSplit mefSplit;
    auto mef = [&] {
      mef::MefServer server(config);
      server.start();
      auto p = measurePhase("rspf MEF CoAPS listener",
                            [&] { return runCoapsLoad(server.coapsPort(), credentials, "\"keId\"", o, mefSplit); });
      server.stop();
      server.wait();
      return p;
    }();
    printPhaseRow(mef, "");
    mefSplit.print();

    const double ratio = base.load.rate() > 0 ? mef.load.rate() / base.load.rate() : 0;
    const double cpuRatio = base.load.successes > 0 && mef.load.successes > 0 && mef.serverCpuSeconds > 0
                                ? perOperationUs(base.serverCpuSeconds, base.load.successes) /
                                      perOperationUs(mef.serverCpuSeconds, mef.load.successes)
                                : 0;
    std::printf(
        "\nratio rspf/baseline = %.3f   (%.1f / %.1f sessions/s; server CPU per session: baseline/rspf = %.3f)\n",
        ratio, mef.load.rate(), base.load.rate(), cpuRatio);
    std::printf("aim: ratio >= %.1f\n", kAimRatio);
    if (o.keep) std::printf("kept %s\n", dir.path().c_str());
    spdlog::shutdown();
    const bool failed =
        base.load.successes == 0 || mef.load.successes == 0 || base.load.failures > 0 || mef.load.failures > 0;
    return benchExitStatus("coaps-enrolment", failed, "failed sessions, or a phase completed none", ratio, o.minRatio);
  } catch (const std::exception& e) {
    std::cerr << "rspf_bench coaps-enrolment: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace rspf::bench
