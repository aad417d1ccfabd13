#include "maf/maf_server.hpp"

#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include "ca/embedded_ca.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"
#include "common/safe_text.hpp"
#include "common/text_file.hpp"
#include "crypto/provisioned_keys.hpp"
#include "lifecycle/periodic_task.hpp"
#include "maf/enrolee_certificate_resolver.hpp"
#include "maf/maf_key_framework.hpp"
#include "maf/served_usages.hpp"
#include "observability/observability_server.hpp"
#include "observability/prometheus_metrics.hpp"
#include "procedures/json_body.hpp"
#include "target/expiry_sweeper.hpp"
#include "target/target_coaps_listener.hpp"
#include "transport/https/http_codec.hpp"
#include "transport/https/http_message.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::maf {
namespace {

target::MefCertificateCredentials mefCredentials(const MafConfig& c) {
  target::MefCertificateCredentials m;
  m.mefUrl = c.mefUrl;
  m.mefFqdn = c.mefFqdn;
  m.certificate = ca::loadCertificateFile(c.certificate);
  m.privateKey = ca::loadPrivateKeyFile(c.certificateKey);
  m.mefTrustAnchors = ca::loadTrustStoreFile(c.mefTrustAnchors);
  if (X509_check_private_key(m.certificate.get(), m.privateKey.get()) != 1)
    throw Error(ErrorCode::Config, "maf.certificate_key does not belong to maf.certificate");
  return m;
}

transport::HttpResponse json(const nlohmann::json& body) {
  transport::HttpResponse r;
  r.body = safeJsonDump(body);
  return r;
}

std::string attributeOf(const tls::AuthenticatedPeer& peer, const char* name) {
  auto found = peer.attributes.find(name);
  return found == peer.attributes.end() ? "" : found->second;
}

}  // namespace

struct MafServer::Impl {
  observability::PrometheusMetrics metrics{{kMafKeyFramework, kMafCertificateFramework, "none"}};
  MafConfig config;
  OwnCertificateRenewer& certificateRenewer;       // the composition root's; outlives the server
  std::optional<target::RuleStateFile> stateFile;  // before the rule that writes to it
  target::ServiceSubscribedAppRule rule;
  target::ProvisionedKeyCache cache;
  MasterCredentialIdentifiers kmIds;
  target::MefKeyFetcher fetcher;
  target::EnrolmentTargetFramework keys;
  MafKeyFramework framework;
  ca::RevocationList revoked;  // CRLs of the Enrolee trust anchors ([maf] crl, the MEF's /crl)
  std::vector<ca::X509Ptr> enroleeAnchorCertificates;
  EnroleeCertificateResolver certificateResolver{&revoked};
  ca::X509Ptr certificate;
  ca::EvpPkeyPtr privateKey;
  ca::X509StorePtr enroleeTrustAnchors;
  tls::CertificateSlot slot{certificate.get(), privateKey.get()};  // what new handshakes present
  std::optional<transport::HttpsServer> server;
  std::optional<target::TargetCoapsListener> coaps;  // [maf] listen_coaps
  std::optional<observability::ObservabilityServer> observabilityServer;
  target::ExpirySweeper sweeper{cache, [this](const std::string& credentialId) {
                                  rule.erase(credentialId);
                                  kmIds.eraseCredential(credentialId);
                                }};
  std::optional<lifecycle::CredentialRenewal> renewal;
  std::optional<lifecycle::PeriodicTask> crlRefresh;

  // The key fetches handshakes wait for end before the server that holds those handshakes goes.
  ~Impl() { keys.stopPreparing(); }

  Impl(const MafConfig& c, OwnCertificateRenewer& renewer)
      : config(c),
        certificateRenewer(renewer),
        kmIds(c.id),
        fetcher(c.id, mefCredentials(c)),
        keys(c.mefFqdn, crypto::defaultSuid(crypto::Usage::MAF), fetcher, cache, rule),
        framework(c.mefFqdn, keys, kmIds),
        certificate(ca::loadCertificateFile(c.certificate)),
        privateKey(ca::loadPrivateKeyFile(c.certificateKey)) {
    if (c.stateFile) rule.keepIn(stateFile.emplace(*c.stateFile));  // issue 10 item 8
    if (c.enroleeTrustAnchors) {
      enroleeTrustAnchors = ca::loadTrustStoreFile(*c.enroleeTrustAnchors);
      enroleeAnchorCertificates = ca::loadCertificatesFile(*c.enroleeTrustAnchors);
    }
    if (c.crl) {
      revoked.replace(crypto::asBytes(readTextFile(*c.crl, "maf.crl")), enroleeAnchorCertificates);
      spdlog::info("MAF: {} CRL(s) from {}", revoked.size(), c.crl->string());
    }
    if (c.crlRefresh) crlRefresh.emplace("the MAF's CRL refresh from the MEF", *c.crlRefresh, [this] { refreshCrl(); });
    server.emplace(
        serverSettings(), framework,
        [this](const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
          return handle(peer, request);
        },
        [this](const tls::AuthenticatedPeer& peer) { admit(peer); });
    if (c.coaps) startCoaps(*c.coaps);
    fetcher.observeWith(
        [this](std::string_view outcome, std::chrono::nanoseconds latency) { metrics.keyRetrieval(outcome, latency); });
    if (c.observability)
      observabilityServer.emplace(*c.observability,
                                  observability::ObservabilityHandlers{
                                      [this] { return metrics.render(); },
                                      [this] { return healthy(); },
                                      &metrics,
                                      {{"/serviceSubscribedAppRule", [this] { return rule.toJson().dump(); }}}});
    auto issued = ca::describeIssuedCertificate(ca::certificateDer(*certificate));
    metrics.credentialExpiry("certificate", toUnix(issued.notAfter));
    renewal.emplace(
        "the MAF's certificate", lifecycle::Validity{issued.notBefore, issued.notAfter}, c.renewBefore,
        [this] { return renewCertificate(); },
        [this](bool renewed, TimePoint expiry) { metrics.credentialRenewal("certificate", renewed, toUnix(expiry)); });
  }

  // An authenticated Enrolee's entry in the ServiceSubscribedAppRule record, until its Km's
  // Lifetime: the same on both bindings.
  void admit(const tls::AuthenticatedPeer& peer) {
    auto credentialId = attributeOf(peer, "credentialId");
    auto until = parseRfc3339(attributeOf(peer, "lifetime"));
    if (!credentialId.empty()) rule.admit(credentialId, peer.principal, until.value_or(TimePoint::max()));
  }

  // The CoAPS binding (PROTOCOL.md 7): the symmetric credential type (KeId, then the KmId it assigns)
  // over DTLS-PSK, with the same resources and admission as over TLS.
  void startCoaps(const config::HostPort& listen) {
    coaps.emplace(
        listen, config.id, &metrics, framework, [this](const tls::AuthenticatedPeer& peer) { admit(peer); },
        [this](const tls::AuthenticatedPeer& peer, const transport::HttpRequest& r) { return handle(peer, r); },
        config.readyFile);
  }

  // /healthz: listening, the certificate it fetches keys with is still valid, and no due renewal
  // of it has failed.
  bool healthy() { return server->listening() && fetcher.enrolmentExpiry() > now() && renewal->healthy(); }

  // Issue 10 item 6: the MEF publishes its CA's CRL at GET /crl.
  void refreshCrl() {
    auto response = fetcher.get("/crl");
    if (response.status != 200) transport::throwRefusal(response, "the MEF's CRL");
    revoked.replace(crypto::asBytes(response.body), enroleeAnchorCertificates);
    spdlog::info("MAF: CRL refreshed from the MEF");
  }

  // Issue 10 item 1: EST simplereenroll at the MEF on a session authenticated by the current
  // certificate; the new key and certificate replace the files and go into new handshakes (with
  // the MEF and with Enrolees) at once.
  lifecycle::Validity renewCertificate() {
    auto current = mefCredentials(config);
    auto renewed = certificateRenewer.renew(*current.certificate);
    auto newKey = std::filesystem::path(config.certificateKey.string() + ".new");
    std::filesystem::remove(newKey);
    ca::savePrivateKeyPemFile(newKey, *renewed.privateKey);
    auto newCertificate = std::filesystem::path(config.certificate.string() + ".new");
    std::filesystem::remove(newCertificate);
    ca::saveCertificatesPemFile(newCertificate, {renewed.certificate.get()});
    std::filesystem::rename(newKey, config.certificateKey);
    std::filesystem::rename(newCertificate, config.certificate);
    slot.replace(renewed.certificate.get(), renewed.privateKey.get());
    auto next = mefCredentials(config);
    auto issued = ca::describeIssuedCertificate(ca::certificateDer(*next.certificate));
    fetcher.replace(std::move(next));
    spdlog::info("MAF '{}' renewed its certificate by EST: valid until {}", config.id, toRfc3339(issued.notAfter));
    return {issued.notBefore, issued.notAfter};
  }

  transport::HttpsServerSettings serverSettings() {
    transport::HttpsServerSettings s;
    s.name = "maf";
    s.limits = config.limits;
    s.host = config.host;
    s.port = config.port;
    s.threads = config.threads;
    s.tls.serverName = config.id;
    s.observer = &metrics;
    // The certificate credential type only when Enrolee trust anchors are configured.
    if (enroleeTrustAnchors) {
      s.certificate = tls::CertificateServerCredentials{certificate.get(), privateKey.get(), enroleeTrustAnchors.get()};
      s.certificate->slot = &slot;
      s.certificateResolver = &certificateResolver;
    }
    return s;
  }

  static nlohmann::json describe(const tls::AuthenticatedPeer& peer) {
    bool symmetric = peer.framework == kMafKeyFramework;
    nlohmann::json j = {{"Status", true},
                        {"enroleeId", peer.principal},
                        {"credentialType", symmetric ? "symmetric" : "certificate"},
                        {"usages", servedUsages(peer)}};
    if (symmetric) {
      j["kmId"] = attributeOf(peer, kKmIdAttribute);
      j["credentialId"] = attributeOf(peer, "credentialId");
      j["lifetime"] = attributeOf(peer, "lifetime");
    }
    return j;
  }

  transport::HttpResponse handle(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
    if (auto refusal = keys.refusalFor(peer)) throw Error(ErrorCode::Unauthorized, *refusal);  // issue 10 item 2
    if (request.target == "/enrolment" || request.target == "/whoami") {
      transport::requireMethod(request, "GET");
      return json(describe(peer));
    }
    if (request.target == "/facilitate") {
      transport::requireMethod(request, "POST");
      auto body = procedures::parseJsonObject(request.body);
      if (!body.contains("usage") || !body["usage"].is_string())
        throw Error(ErrorCode::BadRequest, "'usage' must be \"SAEF\", \"ESPrim\" or \"ESData\"");
      auto usage = body["usage"].get<std::string>();
      requireServedUsage(peer, usage);
      spdlog::info("MAF used for {} by '{}'", usage, peer.principal);
      return json({{"Status", true}, {"enroleeId", peer.principal}, {"usage", usage}});
    }
    throw Error(ErrorCode::NotFound, "no resource at " + safeErrorText(request.target, 200));
  }
};

MafServer::MafServer(const MafConfig& config, OwnCertificateRenewer& certificateRenewer)
    : impl_(std::make_unique<Impl>(config, certificateRenewer)) {}

MafServer::~MafServer() {
  stop();
  wait();
}

std::uint16_t MafServer::port() const { return impl_->server->port(); }

void MafServer::start() {
  impl_->server->start();
  if (impl_->coaps) impl_->coaps->start();  // and "<ready_file>.coaps"
  if (impl_->observabilityServer) impl_->observabilityServer->start();
  impl_->sweeper.start();
  impl_->renewal->start();
  if (impl_->crlRefresh) impl_->crlRefresh->start();
}

void MafServer::stop() {
  if (impl_->crlRefresh) impl_->crlRefresh->stop();
  impl_->renewal->stop();
  impl_->sweeper.stop();
  if (impl_->observabilityServer) impl_->observabilityServer->stop();
  if (impl_->coaps) impl_->coaps->stop();
  impl_->server->stop();
}

void MafServer::wait() {
  if (impl_->coaps) impl_->coaps->wait();
  impl_->server->wait();
  impl_->sweeper.join();
  impl_->renewal->join();
  if (impl_->crlRefresh) impl_->crlRefresh->join();
}

}  // namespace rspf::maf
