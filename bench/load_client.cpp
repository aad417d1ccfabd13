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
  std::mutex mutex;
  LoadResult result;
  std::vector<std::uint32_t> latenciesUs;

  // nullptr once settings.connections were all taken.
  const PskCredential* nextCredential() {
    const auto& list = *target.credentials;
    const auto n = next.fetch_add(1, std::memory_order_relaxed);
    if (settings.connections != 0 && n >= settings.connections) return nullptr;
    return &list[n % list.size()];
  }
  void noteFailure(const std::string& why) {
    std::lock_guard lock(mutex);
    if (result.firstFailure.empty()) result.firstFailure = why;
  }
  bool wantCipher() const { return !haveCipher.load(std::memory_order_relaxed); }
  void noteCipher(const std::string& cipher) {
    std::lock_guard lock(mutex);
    if (result.cipher.empty()) result.cipher = cipher;
    haveCipher = true;
  }
  std::atomic<bool> haveCipher{false};
};

// ---------------------------------------------------------------- raw OpenSSL client

class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// One connection; returns "" on success, else the reason.
std::string rawExchange(Shared& s, const PskCredential& credential) {
  Socket sock;
  if (sock.get() < 0) return std::string("socket: ") + std::strerror(errno);
  timeval tv{};
  tv.tv_sec = s.settings.ioTimeout.count() / 1000;
  tv.tv_usec = static_cast<suseconds_t>((s.settings.ioTimeout.count() % 1000) * 1000);
  int one = 1;
  setsockopt(sock.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(sock.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  setsockopt(sock.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(sock.get(), reinterpret_cast<const sockaddr*>(&s.address), sizeof s.address) != 0)
    return std::string("connect: ") + std::strerror(errno);

  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(s.ctx), SSL_free);
  if (!ssl) return "SSL_new: " + openSslErrors();
  SSL_set_fd(ssl.get(), sock.get());
  SSL_set_app_data(ssl.get(), const_cast<PskCredential*>(&credential));
  if (!s.target.serverName.empty()) SSL_set_tlsext_host_name(ssl.get(), s.target.serverName.c_str());
  if (SSL_connect(ssl.get()) != 1) {
    std::string e = openSslErrors();
    return "handshake: " + (e.empty() ? std::string(std::strerror(errno)) : e);
  }
  if (SSL_write(ssl.get(), s.request.data(), static_cast<int>(s.request.size())) != static_cast<int>(s.request.size()))
    return "write: " + openSslErrors();

  RawHttpMessage response;
  if (!readHttpMessage(ssl.get(), response, true))
    return response.bytes.empty() ? "no response: " + openSslErrors() : "truncated or malformed response";
  if (response.bytes.compare(0, 13, "HTTP/1.1 200 ") != 0 && response.bytes.compare(0, 13, "HTTP/1.0 200 ") != 0)
    return "status: " + response.bytes.substr(0, std::min(response.bytes.find("\r\n"), std::size_t{80})) + " " +
           std::string(response.body().substr(0, 200));
  if (!s.target.expectInBody.empty() && response.body().find(s.target.expectInBody) == std::string_view::npos)
    return "unexpected body: " + std::string(response.body().substr(0, 200));
  if (s.wantCipher()) s.noteCipher(SSL_get_cipher_name(ssl.get()));
  SSL_shutdown(ssl.get());  // one close_notify, no wait for the peer's (PITFALLS)
  // Reset instead of FIN: the load generator must not run out of ports in TIME_WAIT.
  linger hard{1, 0};
  setsockopt(sock.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  return {};
}

// ---------------------------------------------------------------- the project's client

std::string rspfExchange(Shared& s, const PskCredential& credential) {
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
    if (s.wantCipher()) s.noteCipher(client.cipherName());
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

void clientLoop(Shared& s) {
  pthread_setname_np(pthread_self(), "bench-client");  // tells profiles the load from the server
  const double cpuStart = threadCpuSeconds();
  std::uint64_t ok = 0, failed = 0;
  std::vector<std::uint32_t> latencies;
  latencies.reserve(1 << 15);
  while (Clock::now() < s.deadline) {
    const PskCredential* next = s.nextCredential();
    if (next == nullptr) break;
    const PskCredential& credential = *next;
    auto start = Clock::now();
    std::string why = s.settings.kind == ClientKind::Raw ? rawExchange(s, credential) : rspfExchange(s, credential);
    if (why.empty()) {
      ++ok;
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
      latencies.push_back(static_cast<std::uint32_t>(us));
    } else {
      ++failed;
      s.noteFailure(why);
    }
  }
  const double cpu = threadCpuSeconds() - cpuStart;
  std::lock_guard lock(s.mutex);
  s.result.successes += ok;
  s.result.failures += failed;
  s.result.clientCpuSeconds += cpu;
  s.latenciesUs.insert(s.latenciesUs.end(), latencies.begin(), latencies.end());
}

}  // namespace

const char* clientKindName(ClientKind kind) { return kind == ClientKind::Raw ? "raw-openssl" : "rspf-https-client"; }

double percentileMs(std::vector<std::uint32_t>& v, double p) {
  if (v.empty()) return 0;
  auto index = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(index), v.end());
  return v[index] / 1000.0;
}

double threadCpuSeconds() { return cpuSeconds(CLOCK_THREAD_CPUTIME_ID); }
double processCpuSeconds() { return cpuSeconds(CLOCK_PROCESS_CPUTIME_ID); }

LoadResult runLoad(const LoadTarget& target, const LoadSettings& settings) {
  if (target.credentials == nullptr || target.credentials->empty())
    throw std::invalid_argument("the load generator needs at least one PSK credential");
  Shared s(target, settings);
  s.address.sin_family = AF_INET;
  s.address.sin_port = htons(target.port);
  if (inet_pton(AF_INET, target.host.c_str(), &s.address.sin_addr) != 1)
    throw std::invalid_argument("the load generator takes an IPv4 address, not '" + target.host + "'");
  s.request = target.method + " " + target.path + " HTTP/1.1\r\nHost: " + target.serverName +
              "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(target.body.size()) +
              "\r\nConnection: close\r\n\r\n" + target.body;
  auto ctx = newRawPskClientContext();
  s.ctx = ctx.get();

  const auto start = Clock::now();
  s.deadline = start + settings.duration;
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, settings.clients); ++i) threads.emplace_back([&s] { clientLoop(s); });
  for (auto& t : threads) t.join();
  s.result.elapsedSeconds = std::chrono::duration<double>(Clock::now() - start).count();
  s.result.latencyP50Ms = percentileMs(s.latenciesUs, 0.50);
  s.result.latencyP99Ms = percentileMs(s.latenciesUs, 0.99);
  return s.result;
}

}  // namespace rspf::bench
