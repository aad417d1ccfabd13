#include "mef/mef_server.hpp"

#include <spdlog/spdlog.h>

#include "admin_api/admin_api_server.hpp"
#include "bootstrap/cert/certificate_framework.hpp"
#include "bootstrap/framework_chain.hpp"
#include "bootstrap/gba/gba_framework.hpp"
#include "bootstrap/psk/pre_provisioned_key.hpp"
#include "bootstrap/reauth/re_authentication_key.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"
#include "crypto/gba_key_derivation.hpp"
#include "mef/approval_webhook.hpp"
#include "mef/mef_certificate.hpp"
#include "mef/mef_router.hpp"
#include "mef/upstream_ca.hpp"
#include "observability/observability_server.hpp"
#include "observability/prometheus_metrics.hpp"
#include "store/open_store.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::mef {

namespace {

// The MEF as GBA NAF: Zn with the MEF's certificate, IMPIs mapped through the store's bootstrap
// identities (kind "gba").
struct GbaNaf {
  ca::X509StorePtr bsfTrustAnchors;
  tls::CertificateClientCredentials znCredentials;
  bootstrap::GbaFramework framework;

  GbaNaf(const GbaNaf&) = delete;  // the Zn fetch holds a reference to znCredentials
  GbaNaf(const MefConfig& c, const MefCertificate& certificate, store::Store& store)
      : bsfTrustAnchors(ca::loadTrustStoreFile(c.gba->bsfTrustAnchors)),
        znCredentials(certificate.clientCredentials(bsfTrustAnchors.get())),
        framework(
            c.fqdn, bootstrap::httpsZnKeyFetch({c.gba->bsfUrl, c.gba->bsfFqdn}, znCredentials),
            [&store](std::string_view impi) -> std::optional<std::string> {
              auto enrolee = store.findEnroleeByBootstrapIdentity(store::BootstrapIdentity::kGba, impi);
              if (!enrolee) return std::nullopt;
              return enrolee->enroleeId;
            },
            c.gba->keyCacheLifetime) {}
};

std::optional<GbaNaf> gbaNaf(const MefConfig& c, const std::optional<MefCertificate>& certificate,
                             store::Store& store) {
  if (!c.gba) return std::nullopt;
  if (!certificate)
    throw Error(ErrorCode::Config,
                "[gba] needs the MEF's certificate for Zn: configure [tls] certificate/private_key or create the "
                "embedded CA");
  spdlog::info("GBA framework on: Zn to {} ({})", c.gba->bsfUrl, c.gba->bsfFqdn);
  return std::optional<GbaNaf>(std::in_place, c, *certificate, store);
}

std::vector<tls::PskIdentityResolver*> chain(std::initializer_list<tls::PskIdentityResolver*> always,
                                             std::optional<GbaNaf>& gba) {
  std::vector<tls::PskIdentityResolver*> frameworks(always);
  if (gba) frameworks.push_back(&gba->framework);
  return frameworks;
}

}  // namespace

struct MefServer::Impl {
  observability::PrometheusMetrics metrics;
  std::optional<ApprovalWebhook> approvalWebhook;
  std::unique_ptr<store::Store> store;
  procedures::AuditTrail audit;
  procedures::HandshakeAudit handshakeAudit;
  std::optional<MefCertificate> certificate;
  bootstrap::PreProvisionedKeyFramework preProvisioned;
  bootstrap::ReAuthenticationFramework reAuthentication;
  std::optional<GbaNaf> gba;
  bootstrap::FrameworkChain frameworks;
  bootstrap::CertificateFramework certificateFramework;
  MefRouter router;
  transport::HttpsServer server;
  std::optional<observability::ObservabilityServer> observabilityServer;
  std::optional<admin_api::AdminApiServer> adminApi;
  std::optional<target::CredentialRenewal> certificateRenewal;

  Impl(const MefConfig& c, std::unique_ptr<store::Store> s, store::KeyEncryptionKey kek)
      : approvalWebhook(c.approvalWebhook
                            ? std::optional<ApprovalWebhook>(std::in_place, *c.approvalWebhook, c.approvalTimeout)
                            : std::nullopt),
        store(std::move(s)),
        audit(*store),
        handshakeAudit(audit, &metrics, c.audit),
        certificate(mefCertificate(*store, kek, c.fqdn, c.certificateFiles)),
        preProvisioned(*store),
        reAuthentication(*store, c.fqdn),
        gba(gbaNaf(c, certificate, *store)),
        frameworks(chain({&reAuthentication, &preProvisioned}, gba)),
        certificateFramework(*store),
        router(*store,
               procedures::MefSettings{c.fqdn, c.keyProfile, &metrics, approvalWebhook ? &*approvalWebhook : nullptr,
                                       &audit, c.rekeyGrace, c.supersededGrace},
               kek, c.estRetryAfter, c.upstreamCa ? upstreamEstSettings(*c.upstreamCa, certificate) : nullptr),
        server(serverSettings(c, certificate, &certificateFramework, &handshakeAudit), frameworks,
               [this](const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
                 return router.handle(peer, request);
               }) {
    if (c.observability)
      observabilityServer.emplace(*c.observability,
                                  observability::ObservabilityHandlers{[this] { return metrics.render(); },
                                                                       [this] { return healthy(); }, &metrics});
    if (c.adminApi)
      adminApi.emplace(*c.adminApi, *store, kek, admin_api::AdminContext{c.fqdn, c.uri, c.configurationKey},
                       certificate ? std::optional(certificate->credentials()) : std::nullopt,
                       &metrics.adminApiObserver());
    if (certificate) certificateFramework.useRevocationLists(certificate->crls);
    // Issue 10 item 1: the embedded CA's certificate is renewed while the MEF runs.
    if (certificate && certificate->embedded) {
      metrics.credentialExpiry("certificate", toUnix(certificate->expiry));
      certificateRenewal.emplace(
          "the MEF's certificate", target::Validity{certificate->issuedAt, certificate->expiry},
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
                                                       tls::CertificatePeerResolver* resolver,
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
    // TS 24.109 annex F: a NAF supporting GBA sends this hint.
    if (c.gba) s.tls.identityHint = crypto::kGbaPskIdentityHint;
    s.observer = observer;
    // Key Retrieval runs on the network thread when the store is embedded: its reads are shorter
    // than the two thread hand-offs of a worker. A database store's round trips (and a failover's
    // retries) would hold the network thread, so there it stays on the workers.
    if (!c.store.postgres()) s.handleInline = &MefRouter::isKeyRetrieval;
    if (certificate) {
      s.certificate = certificate->credentials();
      s.certificateResolver = resolver;
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
void MefServer::start() {
  impl_->server.start();
  if (impl_->observabilityServer) impl_->observabilityServer->start();
  if (impl_->adminApi) impl_->adminApi->start();
  if (impl_->certificateRenewal) impl_->certificateRenewal->start();
}
void MefServer::stop() {
  if (impl_->certificateRenewal) impl_->certificateRenewal->stop();
  if (impl_->adminApi) impl_->adminApi->stop();
  if (impl_->observabilityServer) impl_->observabilityServer->stop();
  impl_->server.stop();
}
void MefServer::wait() {
  impl_->server.wait();
  if (impl_->certificateRenewal) impl_->certificateRenewal->join();
}

}  // namespace rspf::mef
