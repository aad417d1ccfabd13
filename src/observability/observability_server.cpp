#include "observability/observability_server.hpp"

#include <spdlog/spdlog.h>

#include <optional>

#include "common/text_file.hpp"
#include "observability/prometheus_metrics.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::observability {
namespace {

// The listener is plain HTTP: no pre-shared keys are ever asked for.
class NoPskIdentities : public tls::PskIdentityResolver {
 public:
  std::optional<tls::ResolvedPsk> resolve(std::string_view) override { return std::nullopt; }
};

transport::HttpResponse status(int code, const char* body) {
  transport::HttpResponse r;
  r.status = code;
  r.body = body;
  return r;
}

}  // namespace

struct ObservabilityServer::Impl {
  ObservabilitySettings settings;
  ObservabilityHandlers handlers;
  NoPskIdentities noPsk;
  std::optional<transport::RefusalsOnly> refusals;  // scrapes are not the role's requests
  std::optional<transport::HttpsServer> server;

  // One request per connection (a scraper opens one per scrape), answered with Connection: close.
  transport::HttpResponse handle(const transport::HttpRequest& request) {
    transport::HttpResponse r;
    std::string_view target(request.target);
    target = target.substr(0, target.find('?'));
    if (request.method != "GET" && request.method != "HEAD") {
      r = status(405, R"({"status":"method not allowed"})");
      r.headers.emplace_back("Allow", "GET, HEAD");
    } else if (target == "/metrics") {
      r.contentType = kPrometheusTextType;
      r.body = handlers.renderMetrics();
    } else if (target == "/healthz") {
      bool ok = handlers.healthy();
      r = ok ? status(200, R"({"status":"ok"})") : status(503, R"({"status":"unavailable"})");
    } else if (auto resource = handlers.operatorResources.find(target); resource != handlers.operatorResources.end()) {
      r.body = resource->second();  // JSON, the default content type
    } else {
      r = status(404, R"({"status":"not found"})");
    }
    if (request.method == "HEAD") r.body.clear();
    r.headers.emplace_back("Connection", "close");
    return r;
  }
};

ObservabilityServer::ObservabilityServer(ObservabilitySettings settings, ObservabilityHandlers handlers)
    : impl_(std::make_unique<Impl>()) {
  auto& i = *impl_;
  i.settings = std::move(settings);
  i.handlers = std::move(handlers);
  transport::HttpsServerSettings s;
  s.name = "observability";
  s.host = i.settings.host;
  s.port = i.settings.port;
  s.threads = 1;
  s.workers = 1;
  s.maxBodyBytes = 0;  // GET and HEAD only
  s.limits = i.settings.limits;
  s.plainHttp = true;
  i.refusals.emplace(i.handlers.observer);
  s.observer = &*i.refusals;
  i.server.emplace(s, i.noPsk, [&i](const tls::AuthenticatedPeer&, const transport::HttpRequest& request) {
    return i.handle(request);
  });
}

ObservabilityServer::~ObservabilityServer() { stop(); }

std::uint16_t ObservabilityServer::port() const { return impl_->server->port(); }

void ObservabilityServer::start() {
  impl_->server->start();
  if (impl_->settings.readyFile) writeReadyFile(*impl_->settings.readyFile, impl_->settings.host, port());
  spdlog::info("observability (/metrics, /healthz) listening on http://{}:{}", impl_->settings.host, port());
}

void ObservabilityServer::stop() {
  impl_->server->stop();
  impl_->server->wait();
}

}  // namespace rspf::observability
