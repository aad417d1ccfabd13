#pragma once
// The load generator: N client threads, each looping until a deadline over
//   fresh TCP connection -> TLS 1.2 PSK full handshake -> one HTTP/1.1 request -> full response -> close.
// The same code loads the MEF and the raw OpenSSL baseline, so the two rates are comparable.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "crypto/secret_bytes.hpp"

namespace rspf::bench {

struct PskCredential {
  std::string identity;  // psk_identity (KpmId)
  crypto::SecretBytes psk;
};

struct LoadTarget {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string serverName;  // SNI and Host header
  std::string method = "POST";
  std::string path;
  std::string body;
  std::string expectInBody;  // a success must contain this ("" = any body)
  // Connections take these in turn (round robin over all client threads).
  const std::vector<PskCredential>* credentials = nullptr;
};

enum class ClientKind {
  Raw,   // raw OpenSSL, blocking socket, minimal HTTP/1.1 writer and reader
  Rspf,  // the project's transport::HttpsClient (Asio/Beast), one per connection
};
const char* clientKindName(ClientKind kind);

struct LoadSettings {
  int clients = 4;
  std::chrono::milliseconds duration{5000};
  ClientKind kind = ClientKind::Raw;
  std::chrono::milliseconds ioTimeout{5000};
  // When set, the run also ends after this many connections in all, each credential taken once in
  // turn (first contacts); the duration still bounds it.
  std::uint64_t connections = 0;
};

struct LoadResult {
  std::uint64_t successes = 0;
  std::uint64_t failures = 0;
  std::uint64_t reconnects = 0;  // kept-alive sessions the server closed, opened again
  double elapsedSeconds = 0;
  double clientCpuSeconds = 0;  // CPU time of the client threads only
  double latencyP50Ms = 0;      // connect to last response byte, successes only
  double latencyP99Ms = 0;
  std::string cipher;        // negotiated on the first successful connection
  std::string firstFailure;  // why the first failed connection failed
  double rate() const { return elapsedSeconds > 0 ? static_cast<double>(successes) / elapsedSeconds : 0; }
};

// Blocks for about settings.duration and returns. Never throws for a failed connection: it counts it.
LoadResult runLoad(const LoadTarget& target, const LoadSettings& settings);

// What one client thread of a load generator counts; the run merges every thread's tally.
struct ClientTally {
  std::uint64_t successes = 0;
  std::uint64_t failures = 0;
  std::uint64_t reconnects = 0;
  std::string firstFailure;
  std::string cipher;  // the first negotiated
  std::vector<std::uint32_t> latenciesUs;
  void succeeded(std::chrono::steady_clock::time_point since);  // the latency runs from `since`
  void failed(const std::string& why);
};

// Every load generator's threads: `clients` threads named "bench-client" (profiles tell the load from
// the server by it), thread i running `loop(i, tally)` to its end; one LoadResult of their tallies,
// their CPU time, the run's wall time and the latency percentiles.
LoadResult runClientThreads(int clients, const std::function<void(int index, ClientTally& tally)>& loop);

// The p-quantile (0..1) of latencies in microseconds, in milliseconds (reorders `v`); 0 when empty.
double percentileMs(std::vector<std::uint32_t>& v, double p);

// CPU time of the calling thread / of the whole process, in seconds.
double threadCpuSeconds();
double processCpuSeconds();

}  // namespace rspf::bench
