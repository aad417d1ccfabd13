#include "key_retrieval_bench.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include "admin/administration.hpp"
#include "bench_options.hpp"
#include "bench_temp_dir.hpp"
#include "enrolee/enrolment_client.hpp"
#include "kept_alive_load.hpp"
#include "machine_facts.hpp"
#include "mef/mef_server.hpp"
#include "raw_kept_alive_server.hpp"
#include "store/open_store.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::bench {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMefFqdn = "mef.bench.example";
constexpr const char* kTargetId = "cse-t.bench.example";
constexpr const char* kUsage = "SAEF";
constexpr int kSuid = 22;           // SAEF (PROTOCOL.md 4.3)
constexpr double kAimRate = 20000;  // fetches/s on the two cores (issue 14 item 4)
constexpr double kAimP99Ms = 2;     // at half that load

struct Options {
  int sessions = 4;
  double seconds = 5;
  int enrolees = 64;
  int mefThreads = 2;
  bool keep = false;
  std::optional<double> minRatio;
  std::string only;  // "", "baseline" or "rspf": one side only (to profile it)
};

const char* kUsageText =
    "usage: rspf_bench key-retrieval [options]\n"
    "  --sessions N       concurrent kept-alive sessions, one client thread each (default 4)\n"
    "  --seconds S        length of each phase (default 5)\n"
    "  --enrolees M       Enrolees enrolled with a key for the target, fetched in turn (default 64)\n"
    "  --mef-threads T    the MEF's network threads (default 2)\n"
    "  --keep             keep the temporary directory (store, KEK, mef.log)\n"
    "  --min-ratio X      exit 3 when the MEF's fetches/s / the baseline's < X\n"
    "  --only SIDE        baseline | rspf: run one side only, no ratio (to profile it)\n"
    "A registered Enrolment Target, enrolled itself (KreId/Kre), fetches its Enrolees' keys with\n"
    "GET /fetchCredentials/<KeId>/22 and X-M2M-Origin on TLS 1.2 PSK sessions kept alive. Phases:\n"
    "baseline (a raw OpenSSL server answering the MEF's own answer as a fixed body on the same kind of\n"
    "session), the MEF as fast as it answers, then the MEF paced at half that rate (latency at load).\n"
    "Each MEF fetch is authorized against the store as always.\n";

std::optional<Options> parse(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") return std::nullopt;
    if (a == "--keep") {
      o.keep = true;
      continue;
    }
    if (a != "--sessions" && a != "--seconds" && a != "--enrolees" && a != "--mef-threads" && a != "--min-ratio" &&
        a != "--only")
      throw std::invalid_argument("unknown option '" + a + "' (see --help)");
    if (i + 1 >= args.size()) throw std::invalid_argument("option '" + a + "' needs a value (see --help)");
    const std::string& v = args[++i];
    if (a == "--sessions") o.sessions = intOption(a, v, 1);
    if (a == "--seconds") o.seconds = positiveOption(a, v);
    if (a == "--enrolees") o.enrolees = intOption(a, v, 1);
    if (a == "--mef-threads") o.mefThreads = intOption(a, v, 1);
    if (a == "--min-ratio") o.minRatio = positiveOption(a, v);
    if (a == "--only") {
      if (v != "baseline" && v != "rspf") throw std::invalid_argument("--only takes baseline or rspf");
      o.only = v;
    }
  }
  return o;
}

// The target (registered, and an Enrolee itself) and `count` Enrolees whose policy gives it a key.
// Returns the KpmId -> Kpm of the target (first) and of every Enrolee.
std::vector<PskCredential> setUpStore(const fs::path& path, const store::KeyEncryptionKey& kek, int count) {
  auto store = store::openSqliteStore(path, kek);
  admin::addTarget(*store, kTargetId, "CSE");
  std::vector<PskCredential> kpms;
  auto add = [&](const std::string& id, const std::string& kpmId, store::EnrolmentPolicy policy) {
    admin::AddEnroleeRequest request;
    request.enroleeId = id;
    request.kpmId = kpmId;
    request.policy = std::move(policy);
    kpms.push_back({kpmId, std::move(*admin::addEnrolee(*store, std::move(request)).generatedKpm)});
  };
  add(kTargetId, "kpm-target", {});
  for (int i = 0; i < count; ++i) {
    store::EnrolmentPolicy policy;
    policy.directKeys = {{kTargetId, kUsage}};
    add("e" + std::to_string(i) + ".bench.example", "kpm-" + std::to_string(i), std::move(policy));
  }
  return kpms;
}

enrolee::EnroleeCredentials enrolOne(std::uint16_t port, const PskCredential& kpm) {
  enrolee::EnrolOptions options;
  options.mefUrl = "https://127.0.0.1:" + std::to_string(port);
  options.mefFqdn = kMefFqdn;
  options.kpmId = kpm.identity;
  options.kpm = kpm.psk;
  return enrolee::enrol(options);
}

struct Phase {
  std::string name;
  KeptAliveResult load;
  double serverCpuSeconds = 0;
};

Phase measure(const std::string& name, const KeptAliveTarget& target, const KeptAliveSettings& settings) {
  Phase p;
  p.name = name;
  const double cpuStart = processCpuSeconds();
  p.load = runKeptAliveLoad(target, settings);
  p.serverCpuSeconds = processCpuSeconds() - cpuStart - p.load.clientCpuSeconds;
  return p;
}

double perFetchUs(double seconds, std::uint64_t n) { return n == 0 ? 0 : seconds * 1e6 / static_cast<double>(n); }

void print(const Phase& p) {
  const auto& l = p.load;
  std::printf("%-30s %10.1f %9llu %6llu %7.3f %7.3f %9.1f %9.1f %5llu  %s\n", p.name.c_str(), l.rate(),
              static_cast<unsigned long long>(l.successes), static_cast<unsigned long long>(l.failures), l.latencyP50Ms,
              l.latencyP99Ms, perFetchUs(l.clientCpuSeconds, l.successes + l.failures),
              perFetchUs(p.serverCpuSeconds, l.successes + l.failures), static_cast<unsigned long long>(l.reconnects),
              l.cipher.empty() ? "-" : l.cipher.c_str());
  if (!l.firstFailure.empty()) std::printf("%-30s first failure: %s\n", "", l.firstFailure.c_str());
}

}  // namespace

int keyRetrievalBench(const std::vector<std::string>& args) {
  int exitStatus = 0;
  auto parsed = parseBenchOptions("key-retrieval", kUsageText, parse, args, exitStatus);
  if (!parsed) return exitStatus;
  const Options& o = *parsed;
  try {
    BenchTempDir dir(fs::temp_directory_path(), o.keep);
    auto logger = spdlog::basic_logger_mt("rspf-mef", (dir.path() / "mef.log").string(), true);
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::info);  // as deployed: the MEF logs each request at info
    const fs::path kekFile = dir.path() / "kek";
    auto kek = store::KeyEncryptionKey::generateFile(kekFile);
    auto kpms = setUpStore(dir.path() / "mef.sqlite", kek, o.enrolees);

    mef::MefConfig config;
    config.fqdn = kMefFqdn;
    config.host = "127.0.0.1";
    config.port = 0;
    config.store.sqlite = dir.path() / "mef.sqlite";
    config.kekFile = kekFile;
    config.threads = o.mefThreads;
    mef::MefServer mef(config);
    mef.start();

    auto target = enrolOne(mef.port(), kpms.front());
    KeptAliveTarget load;
    load.port = mef.port();
    load.serverName = kMefFqdn;
    load.credential = {target.kreId, target.kre};
    load.extraHeaders = std::string("X-M2M-Origin: ") + kTargetId + "\r\n";
    load.expectInBody = "\"Credential\"";
    for (std::size_t i = 1; i < kpms.size(); ++i)
      load.paths.push_back("/fetchCredentials/" + enrolOne(mef.port(), kpms[i]).keId + "/" + std::to_string(kSuid));

    // The baseline answers what the MEF answers, byte for byte the same body.
    transport::HttpsClient sample({"127.0.0.1", mef.port()}, tls::PskClientSettings{kMefFqdn, false},
                                  tls::PskClientCredentials{target.kreId, target.kre});
    auto answer = sample.request({"GET", load.paths.front(), {{"X-M2M-Origin", kTargetId}}, ""});
    if (answer.status != 200) throw std::runtime_error("the MEF refused the sample fetch: " + answer.body);

    KeptAliveSettings settings;
    settings.sessions = o.sessions;
    settings.duration = std::chrono::milliseconds(static_cast<long long>(o.seconds * 1000));

    std::printf("rspf_bench key-retrieval: %d kept-alive sessions, %.1f s per phase, %d Enrolees, MEF threads %d\n",
                o.sessions, o.seconds, o.enrolees, o.mefThreads);
    for (const auto& f : machineFacts(fs::temp_directory_path()))
      std::printf("  %-10s %s\n", f.name.c_str(), f.value.c_str());
    std::printf("\n%-30s %10s %9s %6s %7s %7s %9s %9s %5s  %s\n", "phase", "fetches/s", "ok", "failed", "p50 ms",
                "p99 ms", "client us", "server us", "recon", "cipher");

    Phase baseline, full, paced;
    if (o.only != "rspf") {
      RawKeptAliveServer raw(target.kre, answer.body);
      raw.start();
      KeptAliveTarget rawLoad = load;
      rawLoad.port = raw.port();
      baseline = measure("baseline raw OpenSSL", rawLoad, settings);
      raw.stop();
      print(baseline);
    }
    if (o.only != "baseline") {
      full = measure("rspf MEF", load, settings);
      print(full);
      KeptAliveSettings half = settings;
      half.totalRate = full.load.rate() / 2;
      paced = measure("rspf MEF at half load", load, half);
      print(paced);
    }
    mef.stop();
    mef.wait();
    spdlog::shutdown();
    if (!o.only.empty()) {
      const auto& p = o.only == "rspf" ? full : baseline;
      return p.load.failures > 0 || p.load.successes == 0 ? 1 : 0;
    }

    const double ratio = baseline.load.rate() > 0 ? full.load.rate() / baseline.load.rate() : 0;
    std::printf("\nratio rspf/baseline = %.3f   (%.1f / %.1f fetches/s)\n", ratio, full.load.rate(),
                baseline.load.rate());
    std::printf("aim: >= %.0f fetches/s (%s), p99 < %.1f ms at half load (%.3f ms at %.0f/s: %s)\n", kAimRate,
                full.load.rate() >= kAimRate ? "met" : "not met", kAimP99Ms, paced.load.latencyP99Ms, paced.load.rate(),
                paced.load.latencyP99Ms < kAimP99Ms ? "met" : "not met");
    if (o.keep) std::printf("kept %s\n", dir.path().c_str());
    bool failed = false;
    for (const auto* p : {&baseline, &full, &paced}) failed = failed || p->load.failures > 0 || p->load.successes == 0;
    return benchExitStatus("key-retrieval", failed, "failed fetches, or a phase completed none", ratio, o.minRatio);
  } catch (const std::exception& e) {
    std::cerr << "rspf_bench key-retrieval: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace rspf::bench
