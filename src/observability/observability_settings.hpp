#pragma once
// [observability] of the long-running roles (`rspf mef`, `rspf target`): an operator-facing plain
// HTTP listener serving /metrics and /healthz, off unless `listen` is set.
//   [observability] listen = "127.0.0.1:9464", ready_file = path (written "host:port" once serving),
//                   and the listener limits (max_connections, ... : config/listener_limits_config.hpp)
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "config/config_schema.hpp"
#include "transport/listener_limits.hpp"

namespace rspf::config {
class ConfigFile;
}

namespace rspf::observability {

struct ObservabilitySettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9464;  // 0: any free port
  std::optional<std::filesystem::path> readyFile;
  // Its own, small budget (docs/security.md "Listener limits"): a flood of the role's main listener
  // never takes the file descriptors /healthz needs.
  transport::ListenerLimits limits = defaultLimits();

  static transport::ListenerLimits defaultLimits() {
    transport::ListenerLimits l;
    l.maxConnections = 64;
    l.maxConnectionsPerSource = 32;
    l.maxHandshakesPerSource = 16;
    l.idleTimeout = std::chrono::seconds(10);
    l.handshakeTimeout = std::chrono::seconds(10);
    l.maxQueuedRequests = 64;
    return l;
  }
};

// nullopt when [observability] listen is absent. Throws Error(Config).
std::optional<ObservabilitySettings> loadObservabilitySettings(const config::ConfigFile& file);
config::TableSpec observabilityTable();  // [observability] in a role's schema

}  // namespace rspf::observability
