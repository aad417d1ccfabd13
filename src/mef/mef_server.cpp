#include "mef/mef_server.hpp"

#include <spdlog/spdlog.h>

#include "admin_api/admin_api_server.hpp"
#include "common/error.hpp"
#include "common/text_file.hpp"
#include "crypto/enrolment_key.hpp"
#include "mef/approval_webhook.hpp"
#include "mef/mef_certificate.hpp"
#include "mef/mef_frameworks.hpp"
#include "mef/mef_router.hpp"
#include "mef/upstream_ca.hpp"
#include "observability/observability_server.hpp"
#include "observability/prometheus_metrics.hpp"
#include "store/open/open_store.hpp"
#include "transport/coaps/coaps_server.hpp"
#include "transport/https/http_codec.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::mef {

struct MefServer::Impl {
  observability::PrometheusMetrics metrics;
  std::optional<ApprovalWebhook> approvalWebhook;
  std::unique_ptr<store::Store> store;
  procedures::AuditTrail audit;
  procedures::HandshakeAudit handshakeAudit;
  std::optional<MefCertificate> certificate;
  std::unique_ptr<bootstrap::FrameworkRegistry> frameworks;
  MefRouter router;
  transport::HttpsServer server;
  std::optional<transport::CoapsServer> coaps;  // [mef] listen_coaps: the same resources over CoAPS
  std::optional<std::filesystem::path> readyFile;
  std::string coapsHost;
  std::optional<observability::ObservabilityServer> observabilityServer;
  std::optional<admin_api::AdminApiServer> adminApi;
  std::optional<lifecycle::CredentialRenewal> certificateRenewal;

  Impl(const MefConfig& c, std::unique_ptr<store::Store> s, store::KeyEncryptionKey kek)
      : approvalWebhook(c.approvalWebhook
                            ? std::optional<ApprovalWebhook>(std::in_place, *c.approvalWebhook, c.approvalTimeout)
                            : std::nullopt),
        store(std::move(s)),
        audit(*store),
        handshakeAudit(audit, &metrics, c.audit),
        certificate(mefCertificate(*store, kek, c.fqdn, c.certificateFiles)),
        frameworks(mefFrameworks(c, certificate, *store)),
        router(*store,
               procedures::MefSettings{c.fqdn, c.keyProfile, &metrics, approvalWebhook ? &*approvalWebhook : nullptr,
                                       &audit, c.rekeyGrace, c.supersededGrace},
               kek, c.estRetryAfter, c.upstreamCa ? upstreamEstSettings(*c.upstreamCa, certificate) : nullptr),
        server(serverSettings(c, certificate, *frameworks, &handshakeAudit), *frameworks,
               [this](const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
                 return transport::toHttp(router.handle(peer, transport::fromHttp(request)));
               }) {
    readyFile = c.readyFile;
    if (c.coaps) {
      coapsHost = c.coaps->host;
      transport::CoapsServerSettings s;
      s.host = c.coaps->host;
      s.port = c.coaps->port;
      s.serverName = c.fqdn;
      s.identityHint = frameworks->pskIdentityHint();
      s.maxBodyBytes = c.maxBodyBytes;
      s.workers = c.workers;  // the exchange's durable commit must not hold the DTLS handshakes
      s.maxQueuedRequests = c.limits.maxQueuedRequests;
      s.exportAhead = [](const transport::Request& r) -> std::optional<transport::KeyingMaterialExport> {
        if (!MefRouter::callsExporter(r.method, r.target)) return std::nullopt;
        return transport::KeyingMaterialExport{std::string(crypto::kExporterLabel), crypto::kExporterLength};
      };
      s.observer = &handshakeAudit;
      if (certificate && frameworks->authenticatesCertificates()) {  // the certificate framework over DTLS
        s.certificate = certificate->credentials();
        s.certificateResolver = &*frameworks;
      }
      coaps.emplace(std::move(s), *frameworks, [this](const tls::AuthenticatedPeer& peer, const transport::Request& r) {
        return router.handle(peer, r);
      });
    }
    if (c.observability)
      observabilityServer.emplace(*c.observability,
                                  observability::ObservabilityHandlers{[this] { return metrics.render(); },
                                                                       [this] { return healthy(); }, &metrics});
    if (c.adminApi)
      adminApi.emplace(*c.adminApi, *store, kek, admin_api::AdminContext{c.fqdn, c.uri, c.configurationKey},
                       certificate ? std::optional(certificate->credentials()) : std::nullopt,
                       &metrics.adminApiObserver());
    // Issue 10 item 1: the embedded CA's certificate is renewed while the MEF runs.
    if (certificate && certificate->embedded) {
      metrics.credentialExpiry("certificate", toUnix(certificate->expiry));
      certificateRenewal.emplace(
          "the MEF's certificate", lifecycle::Validity{certificate->issuedAt, certificate->expiry},
          c.certificateFiles.renewBefore,
          [this, kek, fqdn = c.fqdn, validity = c.certificateFiles.embeddedValidity] {
            return renewMefCertificate(*certificate, *store, kek, fqdn, validity);
          },
          [this](bool renewed, TimePoint expiry) {
            metrics.credentialRenewal("certificate", renewed, toUnix(expiry));
          });
    }
  }

  // /healthz: the listener is up, the store answers a read, and no due renewal of the MEF's
  // certificate has failed.
  bool healthy() {
    if (!server.listening()) return false;
    if (certificateRenewal && !certificateRenewal->healthy()) return false;
    try {
      return store->schemaVersion() > 0;
    } catch (const std::exception& e) {
      spdlog::warn("health check: the store does not answer: {}", e.what());
      return false;
    }
  }

  static transport::HttpsServerSettings serverSettings(const MefConfig& c,
                                                       const std::optional<MefCertificate>& certificate,
                                                       bootstrap::FrameworkRegistry& frameworks,
                                                       transport::ServerObserver* observer) {
    transport::HttpsServerSettings s;
    s.name = "mef";
    s.limits = c.limits;
    s.host = c.host;
    s.port = c.port;
    s.threads = c.threads;
    s.workers = c.workers;
    s.maxBodyBytes = c.maxBodyBytes;
    s.tls.serverName = c.fqdn;
    s.tls.tls13 = c.tls13;
    s.tls.identityHint = frameworks.pskIdentityHint();  // GBA: TS 24.109 annex F
    s.observer = observer;
    // Key Retrieval runs on the network thread when the store is embedded: its reads are shorter
    // than the two thread hand-offs of a worker. A database store's round trips (and a failover's
    // retries) would hold the network thread, so there it stays on the workers.
    if (!c.store.postgres())
      s.handleInline = [](const transport::HttpRequest& r) {
        return MefRouter::isKeyRetrieval(r.method == "GET" ? transport::Method::Get : transport::Method::Other,
                                         r.target);
      };
    if (certificate && frameworks.authenticatesCertificates()) {
      s.certificate = certificate->credentials();
      s.certificateResolver = &frameworks;
    }
    return s;
  }
};

MefServer::MefServer(const MefConfig& config) {
  auto kek = store::KeyEncryptionKey::load(config.kekFile);
  auto store = store::openStore(config.store, kek);
  std::size_t purged = store->purgeExpiredEnrolmentKeys(now());
  if (purged > 0) spdlog::info("purged {} expired Enrolment Keys", purged);
  impl_ = std::make_unique<Impl>(config, std::move(store), std::move(kek));
}

MefServer::~MefServer() = default;
std::uint16_t MefServer::port() const { return impl_->server.port(); }
std::uint16_t MefServer::coapsPort() const { return impl_->coaps ? impl_->coaps->port() : 0; }
void MefServer::start() {
  impl_->server.start();
  if (impl_->coaps) {
    impl_->coaps->start();
    spdlog::info("MEF serves CoAPS on UDP port {}", impl_->coaps->port());
    if (impl_->readyFile)  // "<ready_file>.coaps"
      writeReadyFile(impl_->readyFile->string() + ".coaps", impl_->coapsHost, impl_->coaps->port());
  }
  if (impl_->observabilityServer) impl_->observabilityServer->start();
  if (impl_->adminApi) impl_->adminApi->start();
  if (impl_->certificateRenewal) impl_->certificateRenewal->start();
}
void MefServer::stop() {
  if (impl_->certificateRenewal) impl_->certificateRenewal->stop();
  if (impl_->adminApi) impl_->adminApi->stop();
  if (impl_->observabilityServer) impl_->observabilityServer->stop();
  if (impl_->coaps) impl_->coaps->stop();
  impl_->server.stop();
}
void MefServer::wait() {
  impl_->server.wait();
  if (impl_->certificateRenewal) impl_->certificateRenewal->join();
  if (impl_->coaps) impl_->coaps->wait();
}

}  // namespace rspf::mef
