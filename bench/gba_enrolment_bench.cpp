#include "gba_enrolment_bench.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "admin/administration.hpp"
#include "bench_log.hpp"
#include "bench_options.hpp"
#include "bench_temp_dir.hpp"
#include "bsf/bsf_server.hpp"
#include "bsf/subscriber_store.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "crypto/encoding.hpp"
#include "enrolee/enrolment_client.hpp"
#include "gba_baseline_load.hpp"
#include "machine_facts.hpp"
#include "mef/mef_server.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "raw_certificate_authority.hpp"
#include "raw_tls_server.hpp"
#include "store/open/open_store.hpp"

namespace rspf::bench {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kMefFqdn = "mef.bench.example";
constexpr const char* kBsfFqdn = "bsf.bench.example";

constexpr double kAim = 0.6;  // rspf / the bare TLS baseline, issue 14 item 3

struct Options {
  int clients = 2;
  double seconds = 5;
  bool keep = false;
  std::optional<double> minRatio;
};

const char* kUsage =
    "usage: rspf_bench gba-enrolment [options]\n"
    "  --clients N   concurrent Enrolees, each with its own subscriber and USIM (default 2)\n"
    "  --seconds S   length of the load (default 5)\n"
    "  --keep        keep the temporary directory (stores, logs)\n"
    "  --min-ratio X exit 3 when rspf's enrolments/s / the baseline's < X\n"
    "Each client loops over a full GBA enrolment with the library's own Enrolee: Ub with the BSF (TLS\n"
    "with the BSF's ECDSA certificate, two Digest AKA requests, Milenage at both ends, the HSS's SQN\n"
    "and the USIM's SQN written durably), then TLS-PSK with the MEF, whose PSK callback fetches\n"
    "Ks_NAF over Zn (mutual ECDSA TLS), and the Enrolment Exchange. BSF and MEF run in this process.\n"
    "The baseline, first, loads raw OpenSSL servers with fixed answers with the same TLS handshakes and\n"
    "requests per enrolment (Ub: one ECDSA handshake, two requests; Zn: one mutual ECDSA handshake, one\n"
    "request; one PSK handshake, one request), from the same number of client threads.\n";

std::optional<Options> parse(const std::vector<std::string>& args) {
  Options o;
  auto onValue = [&o](const std::string& a, const std::string& v) {
    if (a == "--clients") o.clients = intOption(a, v, 1);
    if (a == "--seconds") o.seconds = positiveOption(a, v);
    if (a == "--min-ratio") o.minRatio = positiveOption(a, v);
  };
  if (!walkOptions(
          args, {"--keep"}, {"--clients", "--seconds", "--min-ratio"}, [&o](const std::string&) { o.keep = true; },
          onValue))
    return std::nullopt;
  return o;
}

std::string impiOf(int i) { return "00101000000" + std::to_string(1000 + i) + "@ims.bench.example"; }
std::string enroleeIdOf(int i) { return "g" + std::to_string(i) + ".bench.example"; }

// The MEF's store (CA, Enrolees with their IMPIs), the BSF's (subscribers), the BSF's certificate,
// and one USIM per client (TS 35.207 set 1's K and OPc for all).
void setUp(const fs::path& dir, int clients) {
  auto kek = store::KeyEncryptionKey::generateFile(dir / "kek");
  auto store = store::openSqliteStore(dir / "mef.sqlite", kek);
  procedures::createCertificateAuthority(*store, kek, "", {"bench.example"}, {}, 365 * 24h);
  auto authority = procedures::loadCertificateAuthority(*store, kek, "");
  auto key = ca::generateP256Key();
  auto certificate = ca::parseCertificate(authority->issueServerCertificate(kBsfFqdn, *key, 24h).der);
  ca::savePrivateKeyPemFile(dir / "bsf.key", *key);
  ca::saveCertificatesPemFile(dir / "bsf.pem", {certificate.get()});
  ca::saveCertificatesPemFile(dir / "ca.pem", {&authority->certificate()});
  bsf::SubscriberStore subscribers(dir / "bsf.sqlite", store::KeyEncryptionKey::generateFile(dir / "bsf.kek"));
  crypto::SecretBytes k(*crypto::fromHex("465b5ce8b199b49faa5f0a2ee238a6bc"));
  crypto::SecretBytes opc(*crypto::fromHex("cd63cb71954a9f4e48a5994e37a02baf"));
  for (int i = 0; i < clients; ++i) {
    admin::addEnrolee(*store, {enroleeIdOf(i), "kpm-" + std::to_string(i), std::nullopt, {}});
    store->addBootstrapIdentity({std::string(store::BootstrapIdentity::kGba), impiOf(i), enroleeIdOf(i), "", now()});
    subscribers.addSubscriber({impiOf(i), k, opc, 0, {{kMefFqdn}, false}});
    enrolee::SimulatedUsim::create(dir / (std::to_string(i) + ".usim"), impiOf(i), k, opc, 0);
  }
}

// The baseline (gba_baseline_load.hpp): one raw server as the BSF (Ub and Zn on one listener, a
// client certificate asked for and optional, as rspf's BSF), one as the MEF (PSK).
LoadResult measureBaseline(const LoadSettings& settings) {
  RawCertificateAuthority authority;
  auto bsfKey = ca::generateP256Key();
  auto bsfCertificate = authority.issue(*bsfKey, kBsfFqdn);
  auto nafKey = ca::generateP256Key();
  auto nafCertificate = authority.issue(*nafKey, kMefFqdn);
  RawTlsServer bsf(newRawCertificateServerContext(*bsfCertificate, *bsfKey, &authority.certificate(), false),
                   [](const RawHttpMessage&) {
                     return RawAnswer{"application/json", "{\"Status\":true}"};
                   });
  PskCredential psk{"baseline-btid@bsf.bench.example", crypto::SecretBytes(crypto::Bytes(32, 0x42))};
  RawTlsServer mef(psk.psk);
  bsf.start();
  mef.start();
  GbaBaselineTarget target;
  target.bsfPort = bsf.port();
  target.bsfName = kBsfFqdn;
  target.bsfTrustAnchor = &authority.certificate();
  target.nafCertificate = nafCertificate.get();
  target.nafKey = nafKey.get();
  target.mefPort = mef.port();
  target.mefName = kMefFqdn;
  target.psk = std::move(psk);
  auto result = runGbaBaselineLoad(target, settings);
  bsf.stop();
  mef.stop();
  return result;
}

}  // namespace

int gbaEnrolmentBench(const std::vector<std::string>& args) {
  int exitStatus = 0;
  auto parsed = parseBenchOptions("gba-enrolment", kUsage, parse, args, exitStatus);
  if (!parsed) return exitStatus;
  const Options& o = *parsed;
  try {
    BenchTempDir dir(fs::temp_directory_path(), o.keep);
    logToFile(dir.path() / "servers.log", spdlog::level::warn);
    setUp(dir.path(), o.clients);

    bsf::BsfConfig bsfConfig;
    bsfConfig.fqdn = kBsfFqdn;
    bsfConfig.port = 0;
    bsfConfig.threads = 1;
    bsfConfig.store.sqlite = dir.path() / "bsf.sqlite";
    bsfConfig.kekFile = dir.path() / "bsf.kek";
    bsfConfig.certificate = dir.path() / "bsf.pem";
    bsfConfig.privateKey = dir.path() / "bsf.key";
    bsfConfig.nafTrustAnchors = dir.path() / "ca.pem";
    bsf::BsfServer bsfServer(bsfConfig);
    bsfServer.start();
    std::string bsfUrl = "https://127.0.0.1:" + std::to_string(bsfServer.port());

    mef::MefConfig mefConfig;
    mefConfig.fqdn = kMefFqdn;
    mefConfig.port = 0;
    mefConfig.threads = 1;
    mefConfig.store.sqlite = dir.path() / "mef.sqlite";
    mefConfig.kekFile = dir.path() / "kek";
    mefConfig.gba = mef::MefGbaSettings{bsfUrl, kBsfFqdn, dir.path() / "ca.pem", 300s};
    mef::MefServer mefServer(mefConfig);
    mefServer.start();

    std::printf("rspf_bench gba-enrolment: %d clients, %.1f s, BSF and MEF threads=1, in process\n", o.clients,
                o.seconds);
    for (const auto& f : machineFacts(dir.path())) std::printf("  %-10s %s\n", f.name.c_str(), f.value.c_str());

    LoadSettings baselineSettings;
    baselineSettings.clients = o.clients;
    baselineSettings.duration = std::chrono::milliseconds(static_cast<long long>(o.seconds * 1000));
    auto baseline = measureBaseline(baselineSettings);
    std::printf(
        "baseline raw OpenSSL %9.1f enrolments/s  (%llu ok, %llu failed in %.2f s; p50 %.2f ms, p99 %.2f ms; each: "
        "Ub + Zn + PSK handshakes and requests)\n",
        baseline.rate(), static_cast<unsigned long long>(baseline.successes),
        static_cast<unsigned long long>(baseline.failures), baseline.elapsedSeconds, baseline.latencyP50Ms,
        baseline.latencyP99Ms);
    if (!baseline.firstFailure.empty()) std::printf("  first failure: %s\n", baseline.firstFailure.c_str());

    std::atomic<std::uint64_t> successes{0}, failures{0}, ubMicros{0}, enrolMicros{0};
    std::mutex failureMutex;
    std::string firstFailure;
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::milliseconds(static_cast<long long>(o.seconds * 1000));
    std::vector<std::thread> threads;
    for (int i = 0; i < o.clients; ++i) {
      threads.emplace_back([&, i] {
        auto usim = enrolee::SimulatedUsim::load(dir.path() / (std::to_string(i) + ".usim"));
        enrolee::BsfEndpoint bsf{bsfUrl, kBsfFqdn, dir.path() / "ca.pem"};
        enrolee::EnrolOptions options;
        options.mefUrl = "https://127.0.0.1:" + std::to_string(mefServer.port());
        options.mefFqdn = kMefFqdn;
        while (std::chrono::steady_clock::now() < deadline) {
          try {
            auto t0 = std::chrono::steady_clock::now();
            options.gba = enrolee::runBootstrapping(bsf, usim);
            auto t1 = std::chrono::steady_clock::now();
            enrolee::enrol(options);
            auto t2 = std::chrono::steady_clock::now();
            ubMicros += std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count();
            enrolMicros += std::chrono::duration_cast<std::chrono::microseconds>(t2 - t1).count();
            ++successes;
          } catch (const std::exception& e) {
            ++failures;
            std::lock_guard lock(failureMutex);
            if (firstFailure.empty()) firstFailure = e.what();
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    mefServer.stop();
    mefServer.wait();
    bsfServer.stop();
    bsfServer.wait();
    std::printf(
        "rspf GBA enrolment   %9.1f enrolments/s  (%llu ok, %llu failed in %.2f s; each: Ub + Zn + TLS-PSK + "
        "exchange)\n",
        static_cast<double>(successes) / elapsed, static_cast<unsigned long long>(successes.load()),
        static_cast<unsigned long long>(failures.load()), elapsed);
    if (successes > 0)
      std::printf("  mean latency: Ub %.2f ms, TLS-PSK (with Zn) + exchange %.2f ms\n",
                  static_cast<double>(ubMicros) / 1000.0 / static_cast<double>(successes),
                  static_cast<double>(enrolMicros) / 1000.0 / static_cast<double>(successes));
    if (!firstFailure.empty()) std::printf("  first failure: %s\n", firstFailure.c_str());
    const double rate = static_cast<double>(successes) / elapsed;
    const double ratio = baseline.rate() > 0 ? rate / baseline.rate() : 0;
    std::printf("\nratio rspf/baseline = %.3f   (%.1f / %.1f enrolments/s)\naim: ratio >= %.1f -> %s\n", ratio, rate,
                baseline.rate(), kAim, ratio >= kAim ? "met" : "NOT met");
    if (o.keep) std::printf("kept %s\n", dir.path().c_str());
    spdlog::shutdown();
    return benchExitStatus("gba-enrolment",
                           successes == 0 || failures > 0 || baseline.successes == 0 || baseline.failures > 0,
                           "failed enrolments, or a phase completed none", ratio, o.minRatio);
  } catch (const std::exception& e) {
    std::cerr << "rspf_bench gba-enrolment: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace rspf::bench
