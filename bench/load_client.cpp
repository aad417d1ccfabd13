#include "load_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "raw_connection.hpp"
#include "raw_http.hpp"
#include "raw_tls.hpp"
#include "tls/psk_profile.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::bench {
namespace {

using Clock = std::chrono::steady_clock;

double cpuSeconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// What every client thread shares.
struct Shared {
  Shared(const LoadTarget& t, const LoadSettings& l) : target(t), settings(l) {}
  const LoadTarget& target;
  const LoadSettings& settings;
  Clock::time_point deadline;
  std::string request;  // the raw client's request bytes
  sockaddr_in address{};
  SSL_CTX* ctx = nullptr;
  std::atomic<std::uint64_t> next{0};

  // nullptr once settings.connections were all taken.
  const PskCredential* nextCredential() {
    const auto& list = *target.credentials;
    const auto n = next.fetch_add(1, std::memory_order_relaxed);
    if (settings.connections != 0 && n >= settings.connections) return nullptr;
    return &list[n % list.size()];
  }
};

// ---------------------------------------------------------------- raw OpenSSL client

// One connection; returns "" on success, else the reason. `cipher` gets the negotiated suite when empty.
std::string rawExchange(Shared& s, const PskCredential& credential, std::string& cipher) {
  try {
    RawTlsConnection connection(s.address, s.ctx, s.settings.ioTimeout);
    SSL_set_app_data(connection.ssl(), const_cast<PskCredential*>(&credential));
    connection.handshake(s.target.serverName, false);
    SSL* ssl = connection.ssl();
    if (SSL_write(ssl, s.request.data(), static_cast<int>(s.request.size())) != static_cast<int>(s.request.size()))
      return "write: " + openSslErrors();
    RawHttpMessage response;
    if (!readHttpMessage(ssl, response, true))
      return response.bytes.empty() ? "no response: " + openSslErrors() : "truncated or malformed response";
    if (response.bytes.compare(0, 13, "HTTP/1.1 200 ") != 0 && response.bytes.compare(0, 13, "HTTP/1.0 200 ") != 0)
      return "status: " + response.bytes.substr(0, std::min(response.bytes.find("\r\n"), std::size_t{80})) + " " +
             std::string(response.body().substr(0, 200));
    if (!s.target.expectInBody.empty() && response.body().find(s.target.expectInBody) == std::string_view::npos)
      return "unexpected body: " + std::string(response.body().substr(0, 200));
    if (cipher.empty()) cipher = SSL_get_cipher_name(ssl);
    connection.close();
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

// ---------------------------------------------------------------- the project's client

std::string rspfExchange(Shared& s, const PskCredential& credential, std::string& cipher) {
  try {
    transport::HttpsClient client({s.target.host, s.target.port}, tls::PskClientSettings{s.target.serverName},
                                  tls::PskClientCredentials{credential.identity, credential.psk}, s.settings.ioTimeout);
    transport::HttpRequest request;
    request.method = s.target.method;
    request.target = s.target.path;
    request.body = s.target.body;
    request.headers.emplace_back("Connection", "close");
    auto response = client.request(request);
    if (response.status != 200) return "status " + std::to_string(response.status) + " " + response.body.substr(0, 200);
    if (!s.target.expectInBody.empty() && response.body.find(s.target.expectInBody) == std::string::npos)
      return "unexpected body: " + response.body.substr(0, 200);
    if (cipher.empty()) cipher = client.cipherName();
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

void clientLoop(Shared& s, ClientTally& tally) {
  tally.latenciesUs.reserve(1 << 15);
  while (Clock::now() < s.deadline) {
    const PskCredential* next = s.nextCredential();
    if (next == nullptr) break;
    auto start = Clock::now();
    std::string why =
        s.settings.kind == ClientKind::Raw ? rawExchange(s, *next, tally.cipher) : rspfExchange(s, *next, tally.cipher);
    if (why.empty())
      tally.succeeded(start);
    else
      tally.failed(why);
  }
}

}  // namespace

const char* clientKindName(ClientKind kind) { return kind == ClientKind::Raw ? "raw-openssl" : "rspf-https-client"; }

double percentileMs(std::vector<std::uint32_t>& v, double p) {
  if (v.empty()) return 0;
  auto index = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(index), v.end());
  return v[index] / 1000.0;
}

void ClientTally::succeeded(Clock::time_point since) {
  ++successes;
  latenciesUs.push_back(
      static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - since).count()));
}

void ClientTally::failed(const std::string& why) {
  ++failures;
  ERR_clear_error();
  if (firstFailure.empty()) firstFailure = why;
}

LoadResult runClientThreads(int clients, const std::function<void(int index, ClientTally& tally)>& loop) {
  std::mutex mutex;
  LoadResult result;
  std::vector<std::uint32_t> latencies;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, clients); ++i)
    threads.emplace_back([&, i] {
      pthread_setname_np(pthread_self(), "bench-client");
      const double cpuStart = threadCpuSeconds();
      ClientTally tally;
      loop(i, tally);
      const double cpu = threadCpuSeconds() - cpuStart;
      std::lock_guard lock(mutex);
      result.successes += tally.successes;
      result.failures += tally.failures;
      result.reconnects += tally.reconnects;
      result.clientCpuSeconds += cpu;
      if (result.firstFailure.empty()) result.firstFailure = tally.firstFailure;
      if (result.cipher.empty()) result.cipher = tally.cipher;
      latencies.insert(latencies.end(), tally.latenciesUs.begin(), tally.latenciesUs.end());
    });
  for (auto& t : threads) t.join();
  result.elapsedSeconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.latencyP50Ms = percentileMs(latencies, 0.50);
  result.latencyP99Ms = percentileMs(latencies, 0.99);
  return result;
}

double threadCpuSeconds() { return cpuSeconds(CLOCK_THREAD_CPUTIME_ID); }
double processCpuSeconds() { return cpuSeconds(CLOCK_PROCESS_CPUTIME_ID); }

LoadResult runLoad(const LoadTarget& target, const LoadSettings& settings) {
  if (target.credentials == nullptr || target.credentials->empty())
    throw std::invalid_argument("the load generator needs at least one PSK credential");
  Shared s(target, settings);
  s.address = loopbackAddress(target.host, target.port);
  s.request = target.method + " " + target.path + " HTTP/1.1\r\nHost: " + target.serverName +
              "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(target.body.size()) +
              "\r\nConnection: close\r\n\r\n" + target.body;
  auto ctx = newRawPskClientContext();
  s.ctx = ctx.get();
  s.deadline = Clock::now() + settings.duration;
  return runClientThreads(settings.clients, [&s](int, ClientTally& tally) { clientLoop(s, tally); });
}

}  // namespace rspf::bench
