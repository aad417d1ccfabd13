#include "maf/maf_server.hpp"

#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include "ca/pem.hpp"
#include "common/error.hpp"
#include "common/safe_text.hpp"
#include "crypto/provisioned_keys.hpp"
#include "maf/enrolee_certificate_resolver.hpp"
#include "maf/maf_key_framework.hpp"
#include "maf/served_usages.hpp"
#include "observability/observability_server.hpp"
#include "observability/prometheus_metrics.hpp"
#include "procedures/json_body.hpp"
#include "target/expiry_sweeper.hpp"
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
  target::ServiceSubscribedAppRule rule;
  target::ProvisionedKeyCache cache;
  MasterCredentialIdentifiers kmIds;
  target::MefKeyFetcher fetcher;
  target::EnrolmentTargetFramework keys;
  MafKeyFramework framework;
  EnroleeCertificateResolver certificateResolver;
  ca::X509Ptr certificate;
  ca::EvpPkeyPtr privateKey;
  ca::X509StorePtr enroleeTrustAnchors;
  std::optional<transport::HttpsServer> server;
  std::optional<observability::ObservabilityServer> observabilityServer;
  target::ExpirySweeper sweeper{cache, [this](const std::string& credentialId) {
                                  rule.erase(credentialId);
                                  kmIds.eraseCredential(credentialId);
                                }};

  explicit Impl(const MafConfig& c)
      : config(c),
        kmIds(c.id),
        fetcher(c.id, mefCredentials(c)),
        keys(c.mefFqdn, crypto::defaultSuid(crypto::Usage::MAF), fetcher, cache, rule),
        framework(c.mefFqdn, keys, kmIds),
        certificate(ca::loadCertificateFile(c.certificate)),
        privateKey(ca::loadPrivateKeyFile(c.certificateKey)) {
    if (c.enroleeTrustAnchors) enroleeTrustAnchors = ca::loadTrustStoreFile(*c.enroleeTrustAnchors);
    server.emplace(
        serverSettings(), framework,
        [this](const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
          return handle(peer, request);
        },
        [this](const tls::AuthenticatedPeer& peer) {
          auto credentialId = attributeOf(peer, "credentialId");
          if (!credentialId.empty()) rule.admit(credentialId, peer.principal);
        });
    fetcher.observeWith(
        [this](std::string_view outcome, std::chrono::nanoseconds latency) { metrics.keyRetrieval(outcome, latency); });
    if (c.observability)
      observabilityServer.emplace(*c.observability,
                                  observability::ObservabilityHandlers{[this] { return metrics.render(); },
                                                                       [this] { return healthy(); }, &metrics});
  }

  // /healthz: listening, and the certificate it fetches keys with is still valid.
  bool healthy() { return server->listening() && fetcher.enrolmentExpiry() > now(); }

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

MafServer::MafServer(const MafConfig& config) : impl_(std::make_unique<Impl>(config)) {}

MafServer::~MafServer() {
  stop();
  wait();
}

std::uint16_t MafServer::port() const { return impl_->server->port(); }

void MafServer::start() {
  impl_->server->start();
  if (impl_->observabilityServer) impl_->observabilityServer->start();
  impl_->sweeper.start();
}

void MafServer::stop() {
  impl_->sweeper.stop();
  if (impl_->observabilityServer) impl_->observabilityServer->stop();
  impl_->server->stop();
}

void MafServer::wait() {
  impl_->server->wait();
  impl_->sweeper.join();
}

}  // namespace rspf::maf
