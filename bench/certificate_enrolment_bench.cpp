#include "certificate_enrolment_bench.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include "admin/administration.hpp"
#include "bench_log.hpp"
#include "bench_options.hpp"
#include "bench_temp_dir.hpp"
#include "ca/csr_attributes.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "certificate_load_client.hpp"
#include "ecdsa_crypto_floor.hpp"
#include "enrolee/enrolment_client.hpp"
#include "machine_facts.hpp"
#include "measured_phase.hpp"
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
constexpr double kAim = 0.7;  // rspf / the raw baseline, issue 14 item 2
constexpr auto kFloorDuration = 1000ms;

const char* kUsage =
    "usage: rspf_bench certificate-enrolment [options]\n"
    "  --clients N        concurrent client threads (default 4)\n"
    "  --seconds S        length of the load (default 10)\n"
    "  --enrolees M       Enrolees registered, each with a certificate (default 16; at least N)\n"
    "  --keep             keep the temporary directory (store, KEK, mef.log)\n"
    "  --min-ratio X      exit 3 when rspf / the raw baseline < X\n"
    "Each client loops over: TCP connect, TLS 1.2 ECDHE-ECDSA mutual handshake with an Enrolee's\n"
    "certificate, POST /enrolment/exchange, GET csrattrs, POST simpleenroll (CSR with a pre-generated\n"
    "P-256 key), close. Two phases with the same client: the baseline, a raw OpenSSL server doing the\n"
    "same mutual handshake and, for simpleenroll, what any CA must (CSR decoded and verified, the\n"
    "certificate built and signed, certs-only PKCS#7), fixed answers to the rest; then the MEF. The\n"
    "crypto floor (2 ECDSA P-256 signs + 3 verifies + 1 ECDH per enrolment, one thread, OpenSSL EVP) is\n"
    "measured too, before and after, for reference.\n";

// nullopt: --help was asked for.
std::optional<LoadOptions> parse(const std::vector<std::string>& args) {
  LoadOptions defaults;
  defaults.seconds = 10;
  defaults.enrolees = 16;
  auto o = parseLoadOptions(args, defaults);
  if (!o) return o;
  if (o->enrolees < o->clients)
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

// The baseline's answers: fixed for the exchange and csrattrs, a raw CA's work for simpleenroll.
RawHandler baselineHandler(const RawCertificateAuthority& authority) {
  auto attributes = ca::estBase64Encode(ca::buildCsrAttributes(ca::CsrAttributes{"baseline-challenge", {}, {}}));
  return [&authority, attributes](const RawHttpMessage& request) -> RawAnswer {
    auto head = request.head();
    auto path = head.substr(0, head.find("\r\n"));
    if (path.find(" /enrolment/exchange ") != std::string_view::npos) return {"application/json", "{\"keId\":\"b\"}"};
    if (path.find(" /.well-known/est/csrattrs ") != std::string_view::npos) return {"application/csrattrs", attributes};
    if (path.find(" /.well-known/est/simpleenroll ") != std::string_view::npos)
      return {"application/pkcs7-mime; smime-type=certs-only", authority.simpleEnroll(request.body())};
    throw std::runtime_error("the baseline serves no " + std::string(path));
  };
}

using Phase = MeasuredPhase<LoadResult>;

Phase measure(const char* name, const CertificateLoadTarget& target, const LoadSettings& settings) {
  return measurePhase(name, [&] { return runCertificateLoad(target, settings); });
}

void printFloor(const char* when, const CryptoFloor& f) {
  std::printf(
      "crypto floor %-7s %9.1f enrolments/s  (%llu iterations in %.2f s; sign %.1f us, verify %.1f us, "
      "ECDH %.1f us)\n",
      when, f.perSecond(), static_cast<unsigned long long>(f.iterations), f.seconds, f.signUs, f.verifyUs, f.deriveUs);
}

void printPhase(const Phase& p, const std::string& extra) {
  const auto& l = p.load;
  std::printf("%-20s %9.1f enrolments/s  (%llu ok, %llu failed in %.2f s; p50 %.2f ms, p99 %.2f ms; %s)\n",
              p.name.c_str(), l.rate(), static_cast<unsigned long long>(l.successes),
              static_cast<unsigned long long>(l.failures), l.elapsedSeconds, l.latencyP50Ms, l.latencyP99Ms,
              l.cipher.empty() ? "-" : l.cipher.c_str());
  std::printf("  CPU per enrolment: client %.0f us, server %.0f us%s\n",
              perOperationUs(l.clientCpuSeconds, l.successes + l.failures),
              perOperationUs(p.serverCpuSeconds, l.successes + l.failures), extra.c_str());
  if (!l.firstFailure.empty()) std::printf("  first failure: %s\n", l.firstFailure.c_str());
}

}  // namespace

int certificateEnrolmentBench(const std::vector<std::string>& args) {
  int exitStatus = 0;
  auto parsed = parseBenchOptions("certificate-enrolment", kUsage, parse, args, exitStatus);
  if (!parsed) return exitStatus;
  const LoadOptions& o = *parsed;

  try {
    BenchTempDir dir(fs::temp_directory_path(), o.keep);
    logToFile(dir.path() / "mef.log");
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

    LoadSettings settings;
    settings.clients = o.clients;
    settings.duration = std::chrono::milliseconds(static_cast<long long>(o.seconds * 1000));

    // The baseline: its own CA signs its server certificate and the issued ones; it trusts the
    // Enrolees' certificates from the MEF's CA, as the MEF does.
    RawCertificateAuthority rawAuthority;
    auto rawKey = ca::generateP256Key();
    auto rawCertificate = rawAuthority.issue(*rawKey, kMefFqdn);
    RawTlsServer raw(newRawCertificateServerContext(*rawCertificate, *rawKey, trustAnchor.get()),
                     baselineHandler(rawAuthority));
    raw.start();
    CertificateLoadTarget target;
    target.port = raw.port();
    target.serverName = kMefFqdn;
    target.trustAnchor = &rawAuthority.certificate();
    target.identities = &identities;
    auto baseline = measure("baseline raw OpenSSL", target, settings);
    raw.stop();
    printPhase(baseline, "");

    target.port = server.port();
    target.trustAnchor = trustAnchor.get();
    SyncProbe disk(dir.path());
    disk.start();
    auto rspf = measure("rspf MEF threads=1", target, settings);
    disk.stop();
    server.stop();
    server.wait();
    printPhase(rspf, "; disk sync meanwhile: " + disk.summary());

    auto after = measureCryptoFloor(kFloorDuration);
    printFloor("after", after);
    const double floor = (before.perSecond() + after.perSecond()) / 2;
    const double ratio = baseline.load.rate() > 0 ? rspf.load.rate() / baseline.load.rate() : 0;
    std::printf("\nratio rspf/baseline = %.3f   (%.1f / %.1f enrolments/s)\n", ratio, rspf.load.rate(),
                baseline.load.rate());
    std::printf("aim: ratio >= %.1f -> %s\n", kAim, ratio >= kAim ? "met" : "NOT met");
    std::printf("for reference: rspf/crypto floor = %.3f, baseline/crypto floor = %.3f (floor %.1f enrolments/s)\n",
                floor > 0 ? rspf.load.rate() / floor : 0, floor > 0 ? baseline.load.rate() / floor : 0, floor);
    if (o.keep) std::printf("kept %s\n", dir.path().c_str());
    spdlog::shutdown();
    bool failed = false;
    for (const auto* p : {&baseline, &rspf}) failed = failed || p->load.successes == 0 || p->load.failures > 0;
    return benchExitStatus("certificate-enrolment", failed, "failed enrolments, or a phase completed none", ratio,
                           o.minRatio);
  } catch (const std::exception& e) {
    std::cerr << "rspf_bench certificate-enrolment: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace rspf::bench
