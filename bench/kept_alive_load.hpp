#pragma once
// The load generator for kept-alive sessions (Key Retrieval, issue 14 item 4): N client threads, each
// with ONE TLS 1.2 PSK connection kept open, sending GET requests one after another (HTTP/1.1
// keep-alive, no pipelining) until the deadline. Optionally paced to a total request rate, so that
// latency can be read at a given load; latency then counts from each request's scheduled time
// (a late start is the server's delay too). The same code loads the MEF and its raw baseline.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "load_client.hpp"

namespace rspf::bench {

struct KeptAliveTarget {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string serverName;          // SNI and Host header
  PskCredential credential;        // every session authenticates with it
  std::vector<std::string> paths;  // requests take these in turn
  std::string extraHeaders;        // e.g. "X-M2M-Origin: cse-t\r\n"
  std::string expectInBody;        // a success must contain this ("" = any body)
};

struct KeptAliveSettings {
  int sessions = 4;
  std::chrono::milliseconds duration{5000};
  std::optional<double> totalRate;  // requests/s over all sessions; nullopt: as fast as answered
  std::chrono::milliseconds ioTimeout{5000};
};

// Blocks for about settings.duration. Never throws for a failed request: it counts it (and the
// sessions the server closed, opened again, in `reconnects`).
LoadResult runKeptAliveLoad(const KeptAliveTarget& target, const KeptAliveSettings& settings);

}  // namespace rspf::bench
