#include "psk_enrolment_bench.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "bench_enrolees.hpp"
#include "bench_log.hpp"
#include "bench_options.hpp"
#include "bench_temp_dir.hpp"
#include "crypto/primitives.hpp"
#include "load_client.hpp"
#include "machine_facts.hpp"
#include "measured_phase.hpp"
#include "mef/mef_server.hpp"
#include "raw_tls_server.hpp"
#include "store/open/open_store.hpp"

namespace rspf::bench {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMefFqdn = "mef.bench.example.com";
constexpr const char* kExchangeBody = R"({"certificateEnrolment":false,"mafEnrolment":false})";

struct Options {
  int clients = 4;
  double seconds = 5;
  int enrolees = 64;
  std::vector<int> mefThreads{1, 2};
  ClientKind client = ClientKind::Raw;
  std::string mefLog = "file";  // "file": info into <tmp>/mef.log, as a deployed MEF logs; "off"
  fs::path storeDir = fs::temp_directory_path();
  int repeat = 1;
  bool keep = false;
  std::optional<double> minRatio;
  std::string only;              // "", "baseline" or "rspf": one side only (to profile it)
  std::string store = "sqlite";  // "sqlite" | "postgresql"
  std::string storeUrl;          // postgresql: an empty database (--store-url, else $RSPF_BENCH_PG_URL)
  int instances = 1;             // postgresql: also a phase with this many MEF instances on the database
  int storeEnrolees = 0;         // then this many more Enrolees in the store, and the first MEF phase again
};

const char* kUsage =
    "usage: rspf_bench psk-enrolment [options]\n"
    "  --clients N        concurrent client threads (default 4)\n"
    "  --seconds S        length of each phase (default 5)\n"
    "  --enrolees M       Enrolees registered with the MEF, used in turn (default 64)\n"
    "  --mef-threads L    comma-separated MEF network thread counts, one phase each (default 1,2)\n"
    "  --client K         raw (raw OpenSSL, default) | rspf (transport::HttpsClient)\n"
    "  --mef-log L        file (the MEF's info log into the temp dir, default) | off\n"
    "  --store-dir DIR    where the temporary store directory goes (default: the temp directory)\n"
    "  --repeat R         run the phases R times (default 1)\n"
    "  --keep             keep the temporary directory (store, KEK, log)\n"
    "  --min-ratio X      exit 3 when rspf(threads=first)/baseline < X\n"
    "  --store S          sqlite (a file in the temp dir, default) | postgresql (--store-url)\n"
    "  --store-url URL    postgresql: an empty database's connection string (default $RSPF_BENCH_PG_URL)\n"
    "  --instances N      postgresql: add a phase with N MEF instances on that database, the clients\n"
    "                     split between them (first thread count)\n"
    "  --only SIDE        baseline | rspf: run one side only, no ratio (to profile it)\n"
    "  --store-enrolees N then add N more Enrolees to the store (never loaded, 1000 per transaction) and\n"
    "                     run the first MEF phase again: its rate against the small store's, the store's\n"
    "                     size per Enrolee and the process's RSS (issue 14 item 6: N = 1000000)\n"
    "Phases: a raw OpenSSL TLS 1.2 PSK server (one thread), then the MEF per thread count; each phase\n"
    "loads its server with the same client code: TCP connect, full PSK handshake, one request, close.\n";

// nullopt: --help was asked for.
std::optional<Options> parse(const std::vector<std::string>& args) {
  Options o;
  auto onValue = [&o](const std::string& a, const std::string& v) {
    if (a == "--clients") {
      o.clients = intOption(a, v, 1);
    } else if (a == "--seconds") {
      o.seconds = positiveOption(a, v);
    } else if (a == "--enrolees") {
      o.enrolees = intOption(a, v, 1);
    } else if (a == "--mef-threads") {
      o.mefThreads.clear();
      std::size_t start = 0;
      while (start <= v.size()) {
        auto comma = v.find(',', start);
        if (comma == std::string::npos) comma = v.size();
        o.mefThreads.push_back(intOption(a, v.substr(start, comma - start), 1));
        start = comma + 1;
      }
    } else if (a == "--client") {
      if (v != "raw" && v != "rspf") throw std::invalid_argument("--client takes raw or rspf");
      o.client = v == "raw" ? ClientKind::Raw : ClientKind::Rspf;
    } else if (a == "--mef-log") {
      if (v != "file" && v != "off") throw std::invalid_argument("--mef-log takes file or off");
      o.mefLog = v;
    } else if (a == "--store-dir") {
      o.storeDir = v;
    } else if (a == "--repeat") {
      o.repeat = intOption(a, v, 1);
    } else if (a == "--only") {
      if (v != "baseline" && v != "rspf") throw std::invalid_argument("--only takes baseline or rspf");
      o.only = v;
    } else if (a == "--store") {
      if (v != "sqlite" && v != "postgresql") throw std::invalid_argument("--store takes sqlite or postgresql");
      o.store = v;
    } else if (a == "--store-url") {
      o.storeUrl = v;
    } else if (a == "--instances") {
      o.instances = intOption(a, v, 1);
    } else if (a == "--min-ratio") {
      o.minRatio = positiveOption(a, v);
    } else if (a == "--store-enrolees") {
      o.storeEnrolees = intOption(a, v, 1);
    }
  };
  if (!walkOptions(
          args, {"--keep"},
          {"--clients", "--seconds", "--enrolees", "--mef-threads", "--client", "--mef-log", "--store-dir", "--repeat",
           "--min-ratio", "--only", "--store", "--store-url", "--instances", "--store-enrolees"},
          [&o](const std::string&) { o.keep = true; }, onValue))
    return std::nullopt;
  if (o.store == "postgresql" && o.storeUrl.empty()) {
    const char* env = std::getenv("RSPF_BENCH_PG_URL");
    if (env == nullptr) throw std::invalid_argument("--store postgresql needs --store-url or $RSPF_BENCH_PG_URL");
    o.storeUrl = env;
  }
  if (o.instances > 1 && o.store != "postgresql") throw std::invalid_argument("--instances needs --store postgresql");
  return o;
}

struct PhaseResult {
  std::string name;
  LoadResult load;
  double serverCpuSeconds = 0;
  std::uint64_t serverFailures = 0;  // as the server counted them (baseline only)
  std::string diskSync;              // the store's disk during the phase (MEF only)
};

// Runs the load while `server` is up; the server's CPU is the process's minus the clients'.
PhaseResult measure(const std::string& name, const LoadTarget& target, const LoadSettings& settings) {
  PhaseResult r;
  r.name = name;
  double cpuStart = processCpuSeconds();
  r.load = runLoad(target, settings);
  r.serverCpuSeconds = processCpuSeconds() - cpuStart - r.load.clientCpuSeconds;
  return r;
}

PhaseResult runBaseline(const std::vector<PskCredential>& enroleeCredentials, const LoadSettings& settings) {
  // Same identities, one fixed PSK: the server's callback answers every identity with it.
  auto psk = crypto::randomSecret(32);
  std::vector<PskCredential> credentials;
  for (const auto& c : enroleeCredentials) credentials.push_back({c.identity, psk});
  RawTlsServer server(psk);
  server.start();
  LoadTarget target;
  target.port = server.port();
  target.serverName = kMefFqdn;
  target.path = "/enrolment/exchange";
  target.body = kExchangeBody;
  target.expectInBody = "\"Status\":true";
  target.credentials = &credentials;
  auto r = measure("baseline raw OpenSSL, 1 thread", target, settings);
  server.stop();
  r.serverFailures = server.failed();
  return r;
}

PhaseResult runMef(const mef::MefConfig& base, int threads, const std::vector<PskCredential>& credentials,
                   const LoadSettings& settings, const std::string& suffix = "") {
  SyncProbe disk(base.store.postgres() ? fs::temp_directory_path() : base.store.sqlite.parent_path());
  mef::MefConfig config = base;
  config.threads = threads;
  mef::MefServer server(config);
  server.start();
  LoadTarget target;
  target.port = server.port();
  target.serverName = kMefFqdn;
  target.path = "/enrolment/exchange";
  target.body = kExchangeBody;
  target.expectInBody = "\"keId\"";
  target.credentials = &credentials;
  disk.start();
  auto r = measure(std::string(base.store.postgres() ? "rspf MEF (pg)" : "rspf MEF") +
                       ", threads=" + std::to_string(threads) + suffix,
                   target, settings);
  disk.stop();
  server.stop();
  server.wait();
  if (!base.store.postgres()) r.diskSync = disk.summary();
  return r;
}

// `instances` MEFs on one PostgreSQL database, the clients split between them, loaded at once.
PhaseResult runMefInstances(const mef::MefConfig& base, int threads, int instances,
                            const std::vector<PskCredential>& credentials, const LoadSettings& settings) {
  mef::MefConfig config = base;
  config.threads = threads;
  std::vector<std::unique_ptr<mef::MefServer>> servers;
  for (int i = 0; i < instances; ++i) {
    servers.push_back(std::make_unique<mef::MefServer>(config));
    servers.back()->start();
  }
  PhaseResult r;
  r.name = "rspf MEF (pg) x" + std::to_string(instances) + ", threads=" + std::to_string(threads);
  const double cpuStart = processCpuSeconds();
  std::vector<LoadResult> loads(servers.size());
  std::vector<std::thread> runs;
  for (std::size_t i = 0; i < servers.size(); ++i)
    runs.emplace_back([&, i] {
      LoadTarget target;
      target.port = servers[i]->port();
      target.serverName = kMefFqdn;
      target.path = "/enrolment/exchange";
      target.body = kExchangeBody;
      target.expectInBody = "\"keId\"";
      target.credentials = &credentials;
      LoadSettings share = settings;
      share.clients = std::max(1, settings.clients / instances);
      loads[i] = runLoad(target, share);
    });
  for (auto& t : runs) t.join();
  for (const auto& l : loads) {
    r.load.successes += l.successes;
    r.load.failures += l.failures;
    r.load.clientCpuSeconds += l.clientCpuSeconds;
    r.load.elapsedSeconds = std::max(r.load.elapsedSeconds, l.elapsedSeconds);
    r.load.latencyP50Ms = std::max(r.load.latencyP50Ms, l.latencyP50Ms);
    r.load.latencyP99Ms = std::max(r.load.latencyP99Ms, l.latencyP99Ms);
    if (r.load.cipher.empty()) r.load.cipher = l.cipher;
    if (r.load.firstFailure.empty()) r.load.firstFailure = l.firstFailure;
  }
  r.serverCpuSeconds = processCpuSeconds() - cpuStart - r.load.clientCpuSeconds;
  for (auto& s : servers) {
    s->stop();
    s->wait();
  }
  return r;
}

void printPhase(const PhaseResult& p) {
  const auto& l = p.load;
  std::uint64_t attempts = l.successes + l.failures;
  std::printf("%-32s %9.1f %8llu %6llu %7.2f %7.2f %9.0f %9.0f  %s\n", p.name.c_str(), l.rate(),
              static_cast<unsigned long long>(l.successes), static_cast<unsigned long long>(l.failures), l.latencyP50Ms,
              l.latencyP99Ms, perOperationUs(l.clientCpuSeconds, attempts),
              perOperationUs(p.serverCpuSeconds, attempts), l.cipher.empty() ? "-" : l.cipher.c_str());
  if (!l.firstFailure.empty()) std::printf("%-32s first failure: %s\n", "", l.firstFailure.c_str());
  if (!p.diskSync.empty()) std::printf("%-32s disk sync meanwhile: %s\n", "", p.diskSync.c_str());
  if (p.serverFailures > 0)
    std::printf("%-32s the server counted %llu failed connections\n", "",
                static_cast<unsigned long long>(p.serverFailures));
}

// This process's VmRSS in MiB (the MEF and the clients; 0 when unreadable).
double processRssMiB() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

// The SQLite store's files (database and WAL), in bytes.
std::uintmax_t storeBytes(const fs::path& database) {
  std::uintmax_t total = 0;
  for (const auto* suffix : {"", "-wal"}) {
    std::error_code ec;
    auto size = fs::file_size(database.string() + suffix, ec);
    if (!ec) total += size;
  }
  return total;
}

// --store-enrolees: the first MEF phase again on a store grown by `count` Enrolees.
void runOnALargeStore(const Options& o, const mef::MefConfig& config, const store::KeyEncryptionKey& kek,
                      const std::vector<PskCredential>& credentials, const LoadSettings& settings,
                      const PhaseResult& small) {
  const auto before = config.store.postgres() ? 0 : storeBytes(config.store.sqlite);
  std::printf("\nadding %d Enrolees to the store ...\n", o.storeEnrolees);
  const double rowsPerSecond = addBulkEnrolees(config.store, kek, static_cast<std::size_t>(o.storeEnrolees));
  auto large = runMef(config, o.mefThreads.front(), credentials, settings, ", +" + std::to_string(o.storeEnrolees));
  printPhase(large);
  std::printf("added %d Enrolees at %.0f rows/s\n", o.storeEnrolees, rowsPerSecond);
  if (!config.store.postgres()) {
    const auto after = storeBytes(config.store.sqlite);
    std::printf("store: %.1f MiB with %d Enrolees, %.0f bytes per added Enrolee\n", after / 1048576.0,
                o.enrolees + o.storeEnrolees, static_cast<double>(after - before) / o.storeEnrolees);
  }
  std::printf("process VmRSS (the MEF and the clients) after the phase: %.1f MiB\n", processRssMiB());
  const double ratio = small.load.rate() > 0 ? large.load.rate() / small.load.rate() : 0;
  std::printf("ratio large/small store = %.3f   (%.1f / %.1f conn/s): aim >= 0.8, %s\n", ratio, large.load.rate(),
              small.load.rate(), ratio >= 0.8 ? "met" : "not met");
}

void setUpMefLogging(const Options& o, const fs::path& dir) {
  if (o.mefLog == "off") {
    spdlog::set_level(spdlog::level::off);
    return;
  }
  logToFile(dir / "mef.log");
}

}  // namespace

int pskEnrolmentBench(const std::vector<std::string>& args) {
  int exitStatus = 0;
  auto parsed = parseBenchOptions("psk-enrolment", kUsage, parse, args, exitStatus);
  if (!parsed) return exitStatus;
  const Options& o = *parsed;

  try {
    BenchTempDir dir(o.storeDir, o.keep);
    setUpMefLogging(o, dir.path());
    const fs::path kekFile = dir.path() / "kek";
    store::StoreSettings storeSettings;
    if (o.store == "postgresql")
      storeSettings = store::storeSettingsFrom(std::nullopt, o.storeUrl, std::nullopt, "--store-url");
    else
      storeSettings.sqlite = dir.path() / "mef.sqlite";
    auto kek = store::KeyEncryptionKey::generateFile(kekFile);
    auto credentials = registerEnrolees(storeSettings, kek, o.enrolees);

    mef::MefConfig mefConfig;
    mefConfig.fqdn = kMefFqdn;
    mefConfig.host = "127.0.0.1";
    mefConfig.port = 0;
    mefConfig.store = storeSettings;
    mefConfig.kekFile = kekFile;

    LoadSettings settings;
    settings.clients = o.clients;
    settings.duration = std::chrono::milliseconds(static_cast<long long>(o.seconds * 1000));
    settings.kind = o.client;

    std::printf("rspf_bench psk-enrolment: %d clients (%s), %.1f s per phase, %d Enrolees, MEF log %s\n", o.clients,
                clientKindName(o.client), o.seconds, o.enrolees, o.mefLog.c_str());
    for (const auto& f : machineFacts(o.storeDir)) std::printf("  %-10s %s\n", f.name.c_str(), f.value.c_str());
    std::printf("\n%-32s %9s %8s %6s %7s %7s %9s %9s  %s\n", "phase", "conn/s", "ok", "failed", "p50 ms", "p99 ms",
                "client us", "server us", "cipher");
    std::printf("%-32s %9s %8s %6s %7s %7s %9s %9s\n", "", "", "", "", "", "", "/conn", "/conn");

    // Totals over the repeats: [0] baseline, [1 + i] the MEF with mefThreads[i].
    std::vector<PhaseResult> totals(1 + o.mefThreads.size() + (o.instances > 1 ? 1 : 0));
    bool anyPhaseFailed = false;
    auto accumulate = [&](PhaseResult& total, const PhaseResult& p) {
      printPhase(p);
      if (p.load.successes == 0 || p.load.failures > 0) anyPhaseFailed = true;
      total.name = p.name;
      total.load.successes += p.load.successes;
      total.load.failures += p.load.failures;
      total.load.elapsedSeconds += p.load.elapsedSeconds;
      total.load.clientCpuSeconds += p.load.clientCpuSeconds;
      total.serverCpuSeconds += p.serverCpuSeconds;
    };
    for (int round = 0; round < o.repeat; ++round) {
      if (o.only != "rspf") accumulate(totals[0], runBaseline(credentials, settings));
      if (o.only == "baseline") continue;
      for (std::size_t i = 0; i < o.mefThreads.size(); ++i)
        accumulate(totals[1 + i], runMef(mefConfig, o.mefThreads[i], credentials, settings));
      if (o.instances > 1)
        accumulate(totals.back(), runMefInstances(mefConfig, o.mefThreads.front(), o.instances, credentials, settings));
    }

    const auto& base = totals[0];
    std::printf("\n");
    if (!o.only.empty()) {
      spdlog::shutdown();
      return anyPhaseFailed ? 1 : 0;
    }
    if (o.repeat > 1) std::printf("over %d rounds: baseline %.1f conn/s\n", o.repeat, base.load.rate());
    double firstRatio = 0;
    for (std::size_t i = 0; i < o.mefThreads.size(); ++i) {
      const auto& m = totals[1 + i];
      double ratio = base.load.rate() > 0 ? m.load.rate() / base.load.rate() : 0;
      double cpuRatio = m.serverCpuSeconds > 0 && base.load.successes > 0 && m.load.successes > 0
                            ? perOperationUs(base.serverCpuSeconds, base.load.successes) /
                                  perOperationUs(m.serverCpuSeconds, m.load.successes)
                            : 0;
      if (i == 0) firstRatio = ratio;
      std::printf(
          "ratio rspf(threads=%d)/baseline = %.3f   (%.1f / %.1f conn/s; server CPU per connection: "
          "baseline/rspf = %.3f)\n",
          o.mefThreads[i], ratio, m.load.rate(), base.load.rate(), cpuRatio);
    }
    if (o.instances > 1) {
      const auto& m = totals.back();
      std::printf("ratio rspf(%d instances, threads=%d each)/baseline = %.3f   (%.1f / %.1f conn/s)\n", o.instances,
                  o.mefThreads.front(), base.load.rate() > 0 ? m.load.rate() / base.load.rate() : 0, m.load.rate(),
                  base.load.rate());
    }
    std::printf("target: ratio >= 0.5 now, >= 0.8 later (threads=1 against the one-thread baseline)\n");
    if (o.storeEnrolees > 0) runOnALargeStore(o, mefConfig, kek, credentials, settings, totals[1]);
    if (o.keep) std::printf("kept %s\n", dir.path().c_str());
    spdlog::shutdown();
    return benchExitStatus("psk-enrolment", anyPhaseFailed, "failed connections, or a phase completed none", firstRatio,
                           o.minRatio);
  } catch (const std::exception& e) {
    std::cerr << "rspf_bench psk-enrolment: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace rspf::bench
