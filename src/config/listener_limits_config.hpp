#pragma once
// The listener limits of one role's listener, read from its table (docs/configuration.md
// "Listener limits"): e.g. [mef] max_connections, [admin_api] idle_timeout.
//   max_connections            open connections (0 or absent: sized from the file-descriptor limit)
//   max_connections_per_source open connections from one address
//   max_handshakes_per_source  not yet authenticated connections from one address
//   handshake_timeout          a duration ("10s"): the longest a TLS handshake may take
//   idle_timeout               a duration: the longest wait for, or read of, the next request
//   max_queued_requests        requests waiting for a worker before 503
//   busy_retry_after           a duration: the Retry-After of a 503 refusal
#include <string_view>

#include <vector>

#include "config/config_schema.hpp"
#include "transport/listener_limits.hpp"

namespace rspf::config {

class ConfigFile;

// The keys above, for a role's table in its schema (config_schema.hpp).
std::vector<KeySpec> listenerLimitKeys();
// `table`'s keys followed by the listener limit keys.
TableSpec withListenerLimits(TableSpec table);

// `defaults` with what `section` sets; throws Error(Config) naming the key for a value out of range.
transport::ListenerLimits loadListenerLimits(const ConfigFile& file, std::string_view section,
                                             transport::ListenerLimits defaults = {});

}  // namespace rspf::config
