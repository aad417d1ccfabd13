#pragma once
// The operator-facing listener: plain HTTP (no client authentication, unlike the MEF's own
// listener) on the shared, bounded server (transport::HttpsServer, plainHttp), one network thread, GET only:
//   /metrics   the registry in the Prometheus text format
//   /healthz   200 {"status":"ok"} when the role's health check passes, else 503 {"status":"unavailable"}
//   and the role's operator resources (JSON), e.g. a target's /serviceSubscribedAppRule
// Bind it to loopback or an operations network: it tells nothing secret, but it is not authenticated.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "observability/observability_settings.hpp"
#include "transport/server_observer.hpp"

namespace rspf::observability {

struct ObservabilityHandlers {
  std::function<std::string()> renderMetrics;
  std::function<bool()> healthy;                  // may block briefly (one store read); must not throw
  transport::ServerObserver* observer = nullptr;  // counts this listener's refusals; may be null
  // Further GET resources for the operator, by path: a JSON body each (must not throw).
  std::map<std::string, std::function<std::string()>, std::less<>> operatorResources = {};
};

class ObservabilityServer {
 public:
  // Binds immediately (throws Error(Config) if the address is taken); serves after start().
  ObservabilityServer(ObservabilitySettings settings, ObservabilityHandlers handlers);
  ~ObservabilityServer();
  ObservabilityServer(const ObservabilityServer&) = delete;
  ObservabilityServer& operator=(const ObservabilityServer&) = delete;

  std::uint16_t port() const;
  void start();  // and writes the ready file, if configured
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rspf::observability
