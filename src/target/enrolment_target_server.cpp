#include "target/enrolment_target_server.hpp"

#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "common/safe_text.hpp"
#include "crypto/provisioned_keys.hpp"
#include "cse_front/app_rule_sync.hpp"
#include "cse_front/cse_front.hpp"
#include "lifecycle/credential_renewal.hpp"
#include "observability/observability_server.hpp"
#include "observability/prometheus_metrics.hpp"
#include "target/enrolment_target_framework.hpp"
#include "target/expiry_sweeper.hpp"
#include "target/target_coaps_listener.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::target {
namespace {

transport::HttpResponse json(const nlohmann::json& body) {
  transport::HttpResponse r;
  r.body = safeJsonDump(body);
  return r;
}

}  // namespace

struct EnrolmentTargetServer::Impl {
  observability::PrometheusMetrics metrics{{kTargetKeyFramework, "none"}};
  TargetConfig config;
  OwnEnrolmentSource& ownEnrolment;        // the composition root's; outlives the server
  std::optional<RuleStateFile> stateFile;  // before the rule that writes to it
  ServiceSubscribedAppRule rule;
  ProvisionedKeyCache cache;
  MefKeyFetcher fetcher;
  EnrolmentTargetFramework framework;
  transport::HttpsServer server;
  std::optional<TargetCoapsListener> coaps;  // [target] listen_coaps
  std::optional<observability::ObservabilityServer> observabilityServer;
  ExpirySweeper sweeper{cache, [this](const std::string& credentialId) { rule.erase(credentialId); }};
  lifecycle::CredentialRenewal renewal;
  std::optional<cse_front::CseFront> front;           // forwarding mode: [target] upstream
  std::optional<cse_front::AppRuleSync> appRuleSync;  // the CSE's own <serviceSubscribedAppRule>

  // The key fetches handshakes wait for end before the server that holds those handshakes goes.
  ~Impl() { framework.stopPreparing(); }

  Impl(const TargetConfig& c, OwnEnrolmentSource& own)
      : config(c),
        ownEnrolment(own),
        fetcher(c.id, own.obtain()),
        framework(c.mefFqdn, crypto::defaultSuid(c.usage), fetcher, cache, rule, c.revalidateAfter),
        server(
            serverSettings(c, &metrics), framework,
            [this](const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
              return handle(peer, request);
            },
            [this](const tls::AuthenticatedPeer& peer) { admit(peer); }),
        renewal(
            "target '" + c.id + "' enrolment with the MEF",
            {fetcher.ownEnrolment().enrolledAt, fetcher.enrolmentExpiry()}, c.renewBefore, [this] { return renew(); },
            [this](bool renewed, TimePoint expiry) {
              metrics.credentialRenewal("enrolment", renewed, toUnix(expiry));
            }) {
    metrics.credentialExpiry("enrolment", toUnix(fetcher.enrolmentExpiry()));
    if (c.stateFile) rule.keepIn(stateFile.emplace(*c.stateFile));  // issue 10 item 8
    fetcher.observeWith(
        [this](std::string_view outcome, std::chrono::nanoseconds latency) { metrics.keyRetrieval(outcome, latency); });
    if (c.front) startFront(*c.front);
    if (c.coaps) startCoaps(*c.coaps);
    if (c.observability)
      observabilityServer.emplace(*c.observability,
                                  observability::ObservabilityHandlers{
                                      [this] { return metrics.render(); },
                                      [this] { return healthy(); },
                                      &metrics,
                                      {{"/serviceSubscribedAppRule", [this] { return rule.toJson().dump(); }}}});
  }

  // An authenticated Enrolee's entry in the ServiceSubscribedAppRule record, until its key's
  // Lifetime (issue 10 item 8): the same on every binding.
  void admit(const tls::AuthenticatedPeer& peer) {
    auto cred = peer.attributes.find("credentialId");
    if (cred == peer.attributes.end()) return;
    auto lifetime = peer.attributes.find("lifetime");
    auto until = lifetime == peer.attributes.end() ? std::nullopt : parseRfc3339(lifetime->second);
    rule.admit(cred->second, peer.principal, until.value_or(TimePoint::max()));
  }

  // The CoAPS binding (PROTOCOL.md 7): the same framework, rule admission and resources over DTLS-PSK.
  void startCoaps(const config::HostPort& listen) {
    coaps.emplace(
        listen, config.id, &metrics, framework, [this](const tls::AuthenticatedPeer& peer) { admit(peer); },
        [this](const tls::AuthenticatedPeer& peer, const transport::HttpRequest& r) { return handle(peer, r); },
        config.readyFile);
  }

  // Forwarding mode (docs/cse-front.md): the session's key is checked with the framework on every
  // request (its Lifetime, and the MEF's revocation within revalidate_after); the CSE's
  // <serviceSubscribedAppRule> follows the local record.
  void startFront(const cse_front::FrontSettings& settings) {
    front.emplace(settings, config.id, [this](const tls::AuthenticatedPeer& peer) -> std::optional<std::string> {
      // The session's key (its Lifetime, the MEF's revocation) is checked once, here; the front answers
      // a refusal the oneM2M way (403, X-M2M-RSC 4106) rather than with the target's own JSON error.
      if (framework.refusalFor(peer)) return "the MEF no longer serves the Enrolee's key; enrol again";
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

  // /healthz: the listener is up and the target's own enrolment (its KreId for Key Retrieval) is
  // current, and no due renewal of it has failed (503 while it still works: time to look).
  bool healthy() { return server.listening() && fetcher.enrolmentExpiry() > now() && renewal.healthy(); }

  // New handshakes fetch keys with the new KreId at once; the MEF serves the replaced one for its
  // rekey_grace, so a fetch in flight still succeeds.
  lifecycle::Validity renew() {
    auto fresh = ownEnrolment.renew(fetcher.ownEnrolment());
    fetcher.replace(fresh);
    spdlog::info("target '{}' re-keyed its enrolment with the MEF: KreId {} expires {}", config.id, fresh.kreId,
                 toRfc3339(fresh.expiry));
    return {fresh.enrolledAt, fresh.expiry};
  }

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
    if (front) return front->forward(peer, request);  // checks the session's key itself (startFront)
    if (auto refusal = framework.refusalFor(peer)) throw Error(ErrorCode::Unauthorized, *refusal);
    if (request.method != "GET") throw Error(ErrorCode::BadRequest, "only GET is served here");
    if (request.target == "/whoami") {
      auto cred = peer.attributes.find("credentialId");
      return json({{"enroleeId", peer.principal},
                   {"credentialId", cred == peer.attributes.end() ? "" : cred->second},
                   {"targetId", config.id}});
    }
    // Issue 10 item 9: an Enrolee reads its own entries; the whole record is on the observability listener.
    if (request.target == "/serviceSubscribedAppRule") return json(rule.toJsonFor(peer.principal));
    throw Error(ErrorCode::NotFound, "no resource at " + safeErrorText(request.target, 200));
  }
};

EnrolmentTargetServer::EnrolmentTargetServer(const TargetConfig& config, OwnEnrolmentSource& ownEnrolment)
    : impl_(std::make_unique<Impl>(config, ownEnrolment)) {}

EnrolmentTargetServer::~EnrolmentTargetServer() {
  stop();
  wait();
}

std::uint16_t EnrolmentTargetServer::port() const { return impl_->server.port(); }

void EnrolmentTargetServer::start() {
  impl_->server.start();
  if (impl_->coaps) impl_->coaps->start();  // and "<ready_file>.coaps"
  if (impl_->observabilityServer) impl_->observabilityServer->start();
  impl_->sweeper.start();
  impl_->renewal.start();
}

void EnrolmentTargetServer::stop() {
  impl_->renewal.stop();
  impl_->sweeper.stop();
  if (impl_->observabilityServer) impl_->observabilityServer->stop();
  if (impl_->coaps) impl_->coaps->stop();
  impl_->server.stop();
}

void EnrolmentTargetServer::wait() {
  if (impl_->coaps) impl_->coaps->wait();
  impl_->server.wait();
  impl_->sweeper.join();
  impl_->renewal.join();
}

}  // namespace rspf::target
