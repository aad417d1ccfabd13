#include "target/enrolment_target_server.hpp"

#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "common/key_file.hpp"
#include "common/safe_text.hpp"
#include "crypto/encoding.hpp"
#include "cse_front/app_rule_sync.hpp"
#include "cse_front/cse_front.hpp"
#include "enrolee/enrolment_client.hpp"
#include "observability/observability_server.hpp"
#include "observability/prometheus_metrics.hpp"
#include "target/enrolment_target_framework.hpp"
#include "target/expiry_sweeper.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::target {
namespace {

// The target's own enrolment: reused while valid for at least a minute, else done afresh.
enrolee::EnroleeCredentials ownEnrolment(const TargetConfig& c) {
  enrolee::CredentialFile file{c.credentialFile, std::nullopt};
  if (std::filesystem::exists(c.credentialFile)) {
    try {
      auto existing = file.load();
      if (existing.expiry > now() + std::chrono::minutes(1) && existing.mefFqdn == c.mefFqdn) {
        spdlog::info("target '{}' reuses its enrolment {} (expires {})", c.id, existing.kreId,
                     toRfc3339(existing.expiry));
        return existing;
      }
    } catch (const Error& e) {
      spdlog::warn("target '{}' enrols again: {}", c.id, e.what());
    }
  }
  enrolee::EnrolOptions options;
  options.mefUrl = c.mefUrl;
  options.mefFqdn = c.mefFqdn;
  options.kpmId = c.kpmId;
  options.kpm = readHexKeyFile(c.kpmFile, "Kpm");
  auto credentials = enrolee::enrol(options);
  file.save(credentials);
  spdlog::info("target '{}' enrolled with the MEF: KreId {}", c.id, credentials.kreId);
  return credentials;
}

transport::HttpResponse json(const nlohmann::json& body) {
  transport::HttpResponse r;
  r.body = safeJsonDump(body);
  return r;
}

}  // namespace

struct EnrolmentTargetServer::Impl {
  observability::PrometheusMetrics metrics{{kTargetKeyFramework, "none"}};
  TargetConfig config;
  ServiceSubscribedAppRule rule;
  ProvisionedKeyCache cache;
  MefKeyFetcher fetcher;
  EnrolmentTargetFramework framework;
  transport::HttpsServer server;
  std::optional<observability::ObservabilityServer> observabilityServer;
  ExpirySweeper sweeper{cache, [this](const std::string& credentialId) { rule.erase(credentialId); }};
  std::optional<cse_front::CseFront> front;           // forwarding mode: [target] upstream
  std::optional<cse_front::AppRuleSync> appRuleSync;  // the CSE's own <serviceSubscribedAppRule>

  explicit Impl(const TargetConfig& c)
      : config(c),
        fetcher(c.id, ownEnrolment(c)),
        framework(c.mefFqdn, crypto::defaultSuid(c.usage), fetcher, cache, rule, c.revalidateAfter),
        server(
            serverSettings(c, &metrics), framework,
            [this](const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
              return handle(peer, request);
            },
            [this](const tls::AuthenticatedPeer& peer) {
              auto cred = peer.attributes.find("credentialId");
              if (cred != peer.attributes.end()) rule.admit(cred->second, peer.principal);
            }) {
    fetcher.observeWith(
        [this](std::string_view outcome, std::chrono::nanoseconds latency) { metrics.keyRetrieval(outcome, latency); });
    if (c.front) startFront(*c.front);
    if (c.observability)
      observabilityServer.emplace(*c.observability,
                                  observability::ObservabilityHandlers{[this] { return metrics.render(); },
                                                                       [this] { return healthy(); }, &metrics});
  }

  // Forwarding mode (docs/cse-front.md): the session's key is checked with the framework on every
  // request (its Lifetime, and the MEF's revocation within revalidate_after); the CSE's
  // <serviceSubscribedAppRule> follows the local record.
  void startFront(const cse_front::FrontSettings& settings) {
    front.emplace(settings, config.id, [this](const tls::AuthenticatedPeer& peer) -> std::optional<std::string> {
      auto current = framework.resolve(peer.pskIdentity);
      auto presented = peer.attributes.find("credentialId");
      if (current && presented != peer.attributes.end() && current->attributes["credentialId"] == presented->second)
        return std::nullopt;
      return "the MEF no longer serves the Enrolee's key; enrol again";
    });
    if (!settings.appRule) return;
    appRuleSync.emplace(front->upstream(), *settings.appRule);
    rule.setListener([this](const std::string& credentialId, const std::string& enroleeId, bool admitted) {
      if (admitted) return appRuleSync->admitted(credentialId, front->originators().originatorOf(enroleeId));
      appRuleSync->erased(credentialId);
    });
  }

  // /healthz: the listener is up and the target's own enrolment (its KreId for Key Retrieval) is current.
  bool healthy() { return server.listening() && fetcher.enrolmentExpiry() > now(); }

  static transport::HttpsServerSettings serverSettings(const TargetConfig& c, transport::ServerObserver* observer) {
    transport::HttpsServerSettings s;
    s.name = "target";
    s.limits = c.limits;
    s.host = c.host;
    s.port = c.port;
    s.threads = c.threads;
    s.tls.serverName = c.id;
    s.observer = observer;
    if (c.front) s.maxBodyBytes = c.front->maxBodyBytes;
    return s;
  }

  transport::HttpResponse handle(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
    if (front) return front->forward(peer, request);
    if (request.method != "GET") throw Error(ErrorCode::BadRequest, "only GET is served here");
    if (request.target == "/whoami") {
      auto cred = peer.attributes.find("credentialId");
      return json({{"enroleeId", peer.principal},
                   {"credentialId", cred == peer.attributes.end() ? "" : cred->second},
                   {"targetId", config.id}});
    }
    if (request.target == "/serviceSubscribedAppRule") return json(rule.toJson());
    throw Error(ErrorCode::NotFound, "no resource at " + safeErrorText(request.target, 200));
  }
};

EnrolmentTargetServer::EnrolmentTargetServer(const TargetConfig& config) : impl_(std::make_unique<Impl>(config)) {}

EnrolmentTargetServer::~EnrolmentTargetServer() {
  stop();
  wait();
}

std::uint16_t EnrolmentTargetServer::port() const { return impl_->server.port(); }

void EnrolmentTargetServer::start() {
  impl_->server.start();
  if (impl_->observabilityServer) impl_->observabilityServer->start();
  impl_->sweeper.start();
}

void EnrolmentTargetServer::stop() {
  impl_->sweeper.stop();
  if (impl_->observabilityServer) impl_->observabilityServer->stop();
  impl_->server.stop();
}

void EnrolmentTargetServer::wait() {
  impl_->server.wait();
  impl_->sweeper.join();
}

}  // namespace rspf::target
