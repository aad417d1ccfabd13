#pragma once
// [admin_api] of `rspf mef`: the Admin REST API on its own HTTPS listener, off unless `listen` is
// set, and never open: it needs mutual TLS (`client_trust_anchors`), a bearer token (`token_file`),
// or both (then a request needs both).
//   [admin_api] listen = "127.0.0.1:8444"
//               client_trust_anchors = "admin-ca.pem"   # client certificates must chain to these
//               token_file = "admin.token"              # "sha256:<hex>" of the token, or the token (0600)
//               certificate, private_key                # server certificate; default: the MEF's
//               max_body_bytes = 4194304, ready_file
//               and the listener limits (max_connections, ... : config/listener_limits_config.hpp)
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "config/config_schema.hpp"
#include "transport/listener_limits.hpp"

namespace rspf::config {
class ConfigFile;
}

namespace rspf::admin_api {

struct AdminApiSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8444;  // 0: any free port
  std::optional<std::filesystem::path> clientTrustAnchors;
  std::optional<std::filesystem::path> tokenFile;
  std::optional<std::filesystem::path> certificate;
  std::optional<std::filesystem::path> privateKey;
  std::size_t maxBodyBytes = 4 * 1024 * 1024;  // a bulk import of some ten thousand Enrolees
  std::optional<std::filesystem::path> readyFile;
  // Its own, small budget (docs/security.md "Listener limits"), apart from the MEF listener's.
  transport::ListenerLimits limits = defaultLimits();

  static transport::ListenerLimits defaultLimits() {
    transport::ListenerLimits l;
    l.maxConnections = 64;
    l.maxConnectionsPerSource = 32;
    l.maxHandshakesPerSource = 16;
    l.idleTimeout = std::chrono::seconds(60);
    l.maxQueuedRequests = 64;
    return l;
  }
};

// nullopt when [admin_api] listen is absent. Throws Error(Config), among others when neither
// client_trust_anchors nor token_file is set.
std::optional<AdminApiSettings> loadAdminApiSettings(const config::ConfigFile& file);
config::TableSpec adminApiTable();  // [admin_api] in the MEF's schema

}  // namespace rspf::admin_api
