#include "certificate_enrolment_bench.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include "admin/administration.hpp"
#include "bench_options.hpp"
#include "bench_temp_dir.hpp"
#include "certificate_load_client.hpp"
#include "ecdsa_crypto_floor.hpp"
#include "enrolee/enrolment_client.hpp"
#include "machine_facts.hpp"
#include "mef/mef_server.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "store/open_store.hpp"

namespace rspf::bench {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kMefFqdn = "mef.bench.example";
constexpr double kAim = 0.4;  // rspf / floor, issue 3 item 10
constexpr auto kFloorDuration = 1000ms;

struct Options {
  int clients = 4;
  double seconds = 10;
  int enrolees = 16;
  bool keep = false;
  std::optional<double> minRatio;
};

const char* kUsage =
    "usage: rspf_bench certificate-enrolment [options]\n"
    "  --clients N        concurrent client threads (default 4)\n"
    "  --seconds S        length of the load (default 10)\n"
    "  --enrolees M       Enrolees registered, each with a certificate (default 16; at least N)\n"
    "  --keep             keep the temporary directory (store, KEK, mef.log)\n"
    "  --min-ratio X      exit 3 when rspf / crypto floor < X\n"
    "Each client loops over: TCP connect, TLS 1.2 ECDHE-ECDSA mutual handshake with an Enrolee's\n"
    "certificate, POST /enrolment/exchange, GET csrattrs, POST simpleenroll (CSR with a pre-generated\n"
    "P-256 key), close. The crypto floor (2 ECDSA P-256 signs + 3 verifies + 1 ECDH per enrolment, one\n"
    "thread, OpenSSL EVP) is measured in the same run, before and after the load.\n";

// nullopt: --help was asked for.
std::optional<Options> parse(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") return std::nullopt;
    if (a == "--keep") {
      o.keep = true;
      continue;
    }
    if (a != "--clients" && a != "--seconds" && a != "--enrolees" && a != "--min-ratio")
      throw std::invalid_argument("unknown option '" + a + "' (see --help)");
    if (i + 1 >= args.size()) throw std::invalid_argument("option '" + a + "' needs a value (see --help)");
    const std::string& v = args[++i];
    if (a == "--clients") o.clients = intOption(a, v, 1);
    if (a == "--seconds") o.seconds = positiveOption(a, v);
    if (a == "--enrolees") o.enrolees = intOption(a, v, 1);
    if (a == "--min-ratio") o.minRatio = positiveOption(a, v);
  }
  if (o.enrolees < o.clients)
    throw std::invalid_argument("--enrolees must be at least --clients (one Enrolee is never on two connections)");
  return o;
}

std::string enroleeIdOf(int i) { return "e" + std::to_string(i) + ".bench.example"; }

// The default CA and `count` Enrolees with a Kpm and a certificate policy; returns their Kpm.
std::vector<crypto::SecretBytes> setUpStore(const fs::path& storePath, const store::KeyEncryptionKey& kek, int count) {
  auto store = store::openSqliteStore(storePath, kek);
  procedures::createCertificateAuthority(*store, kek, "", {"bench.example"}, {".bench.example"}, 365 * 24h);
  std::vector<crypto::SecretBytes> kpms;
  for (int i = 0; i < count; ++i) {
    admin::AddEnroleeRequest request;
    request.enroleeId = enroleeIdOf(i);
    request.kpmId = "kpm-" + std::to_string(i);
    request.policy.certificate = store::CertificatePolicy{"cse", {"SAEF"}, 30 * 24h, ""};
    kpms.push_back(std::move(*admin::addEnrolee(*store, std::move(request)).generatedKpm));
  }
  return kpms;
}

// Each Enrolee's bootstrap certificate, by EST over its PSK session (the library's own Enrolee).
std::vector<CertificateIdentity> enrolCertificates(std::uint16_t port, const std::vector<crypto::SecretBytes>& kpms,
                                                   ca::X509Ptr& trustAnchor) {
  std::vector<CertificateIdentity> identities;
  for (std::size_t i = 0; i < kpms.size(); ++i) {
    enrolee::EnrolOptions options;
    options.mefUrl = "https://127.0.0.1:" + std::to_string(port);
    options.mefFqdn = kMefFqdn;
    options.kpmId = "kpm-" + std::to_string(i);
    options.kpm = kpms[i];
    options.certificateEnrolment = true;
    std::optional<enrolee::EnroledCertificate> certificate;
    enrolee::enrol(options, certificate);
    if (!certificate || !certificate->certificate || certificate->trustAnchors.empty())
      throw std::runtime_error("the MEF issued no certificate to " + enroleeIdOf(static_cast<int>(i)));
    if (!trustAnchor) trustAnchor = std::move(certificate->trustAnchors.front());
    identities.push_back(
        {enroleeIdOf(static_cast<int>(i)), std::move(certificate->certificate), std::move(certificate->privateKey)});
  }
  return identities;
}

void setUpMefLogging(const fs::path& dir) {
  auto logger = spdlog::basic_logger_mt("rspf-mef", (dir / "mef.log").string(), true);
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %l [%P] %v");
  spdlog::set_level(spdlog::level::info);
}

void printFloor(const char* when, const CryptoFloor& f) {
  std::printf(
      "crypto floor %-7s %9.1f enrolments/s  (%llu iterations in %.2f s; sign %.1f us, verify %.1f us, "
      "ECDH %.1f us)\n",
      when, f.perSecond(), static_cast<unsigned long long>(f.iterations), f.seconds, f.signUs, f.verifyUs, f.deriveUs);
}

double perEnrolmentUs(double seconds, std::uint64_t count) {
  return count == 0 ? 0 : seconds * 1e6 / static_cast<double>(count);
}

}  // namespace

int certificateEnrolmentBench(const std::vector<std::string>& args) {
  int exitStatus = 0;
  auto parsed = parseBenchOptions("certificate-enrolment", kUsage, parse, args, exitStatus);
  if (!parsed) return exitStatus;
  const Options& o = *parsed;

  try {
    BenchTempDir dir(fs::temp_directory_path(), o.keep);
    setUpMefLogging(dir.path());
    mef::MefConfig config;
    config.fqdn = kMefFqdn;
    config.host = "127.0.0.1";
    config.port = 0;
    config.threads = 1;
    config.store.sqlite = dir.path() / "mef.sqlite";
    config.kekFile = dir.path() / "kek";
    auto kek = store::KeyEncryptionKey::generateFile(*config.kekFile);
    auto kpms = setUpStore(config.store.sqlite, kek, o.enrolees);

    mef::MefServer server(config);
    server.start();
    ca::X509Ptr trustAnchor;
    auto identities = enrolCertificates(server.port(), kpms, trustAnchor);

    std::printf("rspf_bench certificate-enrolment: %d clients (raw OpenSSL), %.1f s, %d Enrolees, MEF threads=1\n",
                o.clients, o.seconds, o.enrolees);
    for (const auto& f : machineFacts(dir.path())) std::printf("  %-10s %s\n", f.name.c_str(), f.value.c_str());
    std::printf("\n");

    auto before = measureCryptoFloor(kFloorDuration);
    printFloor("before", before);

    CertificateLoadTarget target;
    target.port = server.port();
    target.serverName = kMefFqdn;
    target.trustAnchor = trustAnchor.get();
    target.identities = &identities;
    LoadSettings settings;
    settings.clients = o.clients;
    settings.duration = std::chrono::milliseconds(static_cast<long long>(o.seconds * 1000));
    SyncProbe disk(dir.path());
    disk.start();
    const double cpuStart = processCpuSeconds();
    auto load = runCertificateLoad(target, settings);
    const double serverCpu = processCpuSeconds() - cpuStart - load.clientCpuSeconds;
    disk.stop();
    server.stop();
    server.wait();

    auto after = measureCryptoFloor(kFloorDuration);
    printFloor("after", after);
    const double floor = (before.perSecond() + after.perSecond()) / 2;
    const std::uint64_t attempts = load.successes + load.failures;
    std::printf(
        "rspf MEF threads=1  %9.1f enrolments/s  (%llu ok, %llu failed in %.2f s; p50 %.2f ms, p99 %.2f ms; "
        "%s)\n",
        load.rate(), static_cast<unsigned long long>(load.successes), static_cast<unsigned long long>(load.failures),
        load.elapsedSeconds, load.latencyP50Ms, load.latencyP99Ms, load.cipher.empty() ? "-" : load.cipher.c_str());
    std::printf("  CPU per enrolment: client %.0f us, server %.0f us; disk sync meanwhile: %s\n",
                perEnrolmentUs(load.clientCpuSeconds, attempts), perEnrolmentUs(serverCpu, attempts),
                disk.summary().c_str());
    if (!load.firstFailure.empty()) std::printf("  first failure: %s\n", load.firstFailure.c_str());
    const double ratio = floor > 0 ? load.rate() / floor : 0;
    std::printf("\nratio rspf/floor = %.3f   (%.1f / %.1f enrolments/s; floor = mean of before and after)\n", ratio,
                load.rate(), floor);
    std::printf("aim: ratio >= %.1f -> %s\n", kAim, ratio >= kAim ? "met" : "NOT met");
    if (o.keep) std::printf("kept %s\n", dir.path().c_str());
    spdlog::shutdown();
    return benchExitStatus("certificate-enrolment", load.successes == 0 || load.failures > 0,
                           "failed enrolments, or none completed", ratio, o.minRatio);
  } catch (const std::exception& e) {
    std::cerr << "rspf_bench certificate-enrolment: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace rspf::bench
