#include "target/enrolment_target_server.hpp"

#include <spdlog/spdlog.h>

#include <fstream>

#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "observability/observability_server.hpp"
#include "observability/prometheus_metrics.hpp"
#include "target/enrolment_target_framework.hpp"
#include "target/expiry_sweeper.hpp"
#include "transport/coaps/coaps_server.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::target {
namespace {

transport::HttpResponse json(const nlohmann::json& body) {
  transport::HttpResponse r;
  r.body = body.dump();
  return r;
}

}  // namespace

struct EnrolmentTargetServer::Impl {
  observability::PrometheusMetrics metrics;
  TargetConfig config;
  ServiceSubscribedAppRule rule;
  ProvisionedKeyCache cache;
  MefKeyFetcher fetcher;
  EnrolmentTargetFramework framework;
  transport::HttpsServer server;
  std::optional<transport::CoapsServer> coaps;  // [target] listen_coaps
  std::optional<observability::ObservabilityServer> observabilityServer;
  ExpirySweeper sweeper{cache, [this](const std::string& credentialId) { rule.erase(credentialId); }};

  Impl(const TargetConfig& c, OwnEnrolment own)
      : config(c),
        fetcher(c.id, std::move(own)),
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
    if (c.coaps) {
      transport::CoapsServerSettings s;
      s.host = c.coaps->host;
      s.port = c.coaps->port;
      s.serverName = c.id;
      s.observer = &metrics;
      s.onAuthenticated = [this](const tls::AuthenticatedPeer& peer) {
        auto cred = peer.attributes.find("credentialId");
        if (cred != peer.attributes.end()) rule.admit(cred->second, peer.principal);
      };
      coaps.emplace(std::move(s), framework, [this](const tls::AuthenticatedPeer& peer, const transport::Request& r) {
        transport::HttpRequest http{std::string(transport::methodName(r.method)), r.target, {}, r.body};
        return transport::jsonResponse(handle(peer, http).body);
      });
    }
    if (c.observability)
      observabilityServer.emplace(
          *c.observability,
          observability::ObservabilityHandlers{[this] { return metrics.render(); }, [this] { return healthy(); }});
  }

  // /healthz: the listener is up and the target's own enrolment (its KreId for Key Retrieval) is current.
  bool healthy() { return server.listening() && fetcher.enrolmentExpiry() > now(); }

  static transport::HttpsServerSettings serverSettings(const TargetConfig& c, transport::ServerObserver* observer) {
    transport::HttpsServerSettings s;
    s.host = c.host;
    s.port = c.port;
    s.threads = c.threads;
    s.tls.serverName = c.id;
    s.observer = observer;
    return s;
  }

  transport::HttpResponse handle(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
    if (request.method != "GET") throw Error(ErrorCode::BadRequest, "only GET is served here");
    if (request.target == "/whoami") {
      auto cred = peer.attributes.find("credentialId");
      return json({{"enroleeId", peer.principal},
                   {"credentialId", cred == peer.attributes.end() ? "" : cred->second},
                   {"targetId", config.id}});
    }
    if (request.target == "/serviceSubscribedAppRule") return json(rule.toJson());
    throw Error(ErrorCode::NotFound, "no resource at " + request.target.substr(0, 200));
  }
};

EnrolmentTargetServer::EnrolmentTargetServer(const TargetConfig& config, OwnEnrolment own)
    : impl_(std::make_unique<Impl>(config, std::move(own))) {}

EnrolmentTargetServer::~EnrolmentTargetServer() {
  stop();
  wait();
}

std::uint16_t EnrolmentTargetServer::port() const { return impl_->server.port(); }

void EnrolmentTargetServer::start() {
  impl_->server.start();
  if (impl_->coaps) {
    impl_->coaps->start();
    if (impl_->config.readyFile) {  // "<ready_file>.coaps": host:port, written whole
      auto ready = impl_->config.readyFile->string() + ".coaps";
      {
        std::ofstream out(ready + ".tmp", std::ios::trunc);
        out << impl_->config.coaps->host << ":" << impl_->coaps->port() << "\n";
      }
      std::filesystem::rename(ready + ".tmp", ready);
    }
  }
  if (impl_->observabilityServer) impl_->observabilityServer->start();
  impl_->sweeper.start();
}

void EnrolmentTargetServer::stop() {
  impl_->sweeper.stop();
  if (impl_->observabilityServer) impl_->observabilityServer->stop();
  if (impl_->coaps) impl_->coaps->stop();
  impl_->server.stop();
}

void EnrolmentTargetServer::wait() {
  impl_->server.wait();
  if (impl_->coaps) impl_->coaps->wait();
  impl_->sweeper.join();
}

}  // namespace rspf::target
