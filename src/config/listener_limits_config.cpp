#include "config/listener_limits_config.hpp"

#include "common/error.hpp"
#include "common/time.hpp"
#include "config/config_file.hpp"

namespace rspf::config {
namespace {

constexpr std::int64_t kMaxCount = 10'000'000;

std::size_t count(const ConfigFile& file, const std::string& key, std::size_t fallback, std::int64_t minimum) {
  auto value = file.integer(key);
  if (!value) return fallback;
  if (*value < minimum || *value > kMaxCount)
    throw Error(ErrorCode::Config, key + " must be " + std::to_string(minimum) + " to " + std::to_string(kMaxCount));
  return static_cast<std::size_t>(*value);
}

std::chrono::seconds duration(const ConfigFile& file, const std::string& key, std::chrono::seconds fallback) {
  auto text = file.string(key);
  if (!text) return fallback;
  auto parsed = parseDuration(*text);
  if (!parsed || parsed->count() < 1 || parsed->count() > 3600)
    throw Error(ErrorCode::Config, key + " takes a duration from 1s to 1h, such as \"10s\"");
  return *parsed;
}

}  // namespace

std::vector<KeySpec> listenerLimitKeys() {
  return {{"max_connections"},
          {"max_connections_per_source"},
          {"max_handshakes_per_source"},
          {"handshake_timeout", KeyKind::Duration},
          {"idle_timeout", KeyKind::Duration},
          {"max_queued_requests"},
          {"busy_retry_after", KeyKind::Duration}};
}

TableSpec withListenerLimits(TableSpec table) {
  for (auto& key : listenerLimitKeys()) table.keys.push_back(key);
  return table;
}

transport::ListenerLimits loadListenerLimits(const ConfigFile& file, std::string_view section,
                                             transport::ListenerLimits defaults) {
  std::string prefix = std::string(section) + ".";
  transport::ListenerLimits l = defaults;
  l.maxConnections = count(file, prefix + "max_connections", defaults.maxConnections, 0);
  l.maxConnectionsPerSource = count(file, prefix + "max_connections_per_source", defaults.maxConnectionsPerSource, 1);
  l.maxHandshakesPerSource = count(file, prefix + "max_handshakes_per_source", defaults.maxHandshakesPerSource, 1);
  l.handshakeTimeout = duration(file, prefix + "handshake_timeout", defaults.handshakeTimeout);
  l.idleTimeout = duration(file, prefix + "idle_timeout", defaults.idleTimeout);
  l.maxQueuedRequests = count(file, prefix + "max_queued_requests", defaults.maxQueuedRequests, 1);
  l.retryAfter = duration(file, prefix + "busy_retry_after", defaults.retryAfter);
  return l;
}

}  // namespace rspf::config
