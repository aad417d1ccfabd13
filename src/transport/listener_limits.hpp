#pragma once
// The limits every listener of ours enforces (docs/security.md "Listener limits"): what one
// listener accepts at most, per source address, and for how long a connection may sit in a
// handshake or idle. Past a cap the listener refuses at once (a close, or 503 with Retry-After
// where a request can be read) rather than slowing down for everyone.
#include <chrono>
#include <cstddef>
#include <string>

namespace rspf::transport {

struct ListenerLimits {
  // Open connections on this listener; 0: sized from the file-descriptor limit (defaultMaxConnections).
  std::size_t maxConnections = 0;
  // Open connections from one source address.
  std::size_t maxConnectionsPerSource = 512;
  // Connections from one source address that have not authenticated yet (TLS handshake in progress;
  // plain HTTP: no complete request header yet).
  std::size_t maxHandshakesPerSource = 64;
  std::chrono::seconds handshakeTimeout{10};
  // The longest a connection waits for (or takes to send) its next request.
  std::chrono::seconds idleTimeout{30};
  // Requests read and waiting for a worker; past this a request is answered 503 at once.
  std::size_t maxQueuedRequests = 1024;
  std::chrono::seconds retryAfter{1};  // the Retry-After of a 503 refusal
};

// Raises the soft RLIMIT_NOFILE to the hard limit (once per process; later calls only read it) and
// returns the soft limit now in force.
std::size_t raiseFileDescriptorLimit();

// The default cap of a role's main listener: three quarters of the file descriptors left after a
// reserve of 256 for the store, logs, outbound connections and the small listeners (admin API,
// observability), which have their own fixed caps. At least 16.
std::size_t defaultMaxConnections(std::size_t fileDescriptorLimit);

// `limits` with maxConnections resolved (0 -> defaultMaxConnections of the raised fd limit).
ListenerLimits resolved(ListenerLimits limits);

}  // namespace rspf::transport
