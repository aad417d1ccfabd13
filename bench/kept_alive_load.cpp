#include "kept_alive_load.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "raw_connection.hpp"
#include "raw_http.hpp"
#include "raw_tls.hpp"

namespace rspf::bench {
namespace {

using Clock = std::chrono::steady_clock;

// One kept-alive TLS-PSK connection; closed (close_notify, reset) when destroyed.
class Session {
 public:
  Session(SSL_CTX* ctx, const KeptAliveTarget& target, const sockaddr_in& address, std::chrono::milliseconds timeout)
      : connection_(address, ctx, timeout) {
    SSL_set_app_data(connection_.ssl(), const_cast<PskCredential*>(&target.credential));
    connection_.handshake(target.serverName, false);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() { connection_.close(); }
  SSL* ssl() const { return connection_.ssl(); }
  std::string cipher() const { return SSL_get_cipher_name(connection_.ssl()); }

 private:
  RawTlsConnection connection_;
};

// "" on success; else why. `closed` tells that the server ended the session after its answer.
std::string exchange(Session& session, const std::string& request, const std::string& expect, bool& closed) {
  if (SSL_write(session.ssl(), request.data(), static_cast<int>(request.size())) != static_cast<int>(request.size())) {
    closed = true;
    return "write: " + openSslErrors();
  }
  RawHttpMessage response;
  if (!readHttpMessage(session.ssl(), response, false)) {
    closed = true;
    return response.bytes.empty() ? "no response: " + openSslErrors() : "truncated or malformed response";
  }
  auto head = response.head();
  closed = saysClose(response);
  if (head.substr(0, 13) != "HTTP/1.1 200 ")
    return "status: " + std::string(head.substr(0, std::min(head.find("\r\n"), std::size_t{80}))) + " " +
           std::string(response.body().substr(0, 200));
  if (!expect.empty() && response.body().find(expect) == std::string_view::npos)
    return "unexpected body: " + std::string(response.body().substr(0, 200));
  return {};
}

}  // namespace

KeptAliveResult runKeptAliveLoad(const KeptAliveTarget& target, const KeptAliveSettings& settings) {
  if (target.paths.empty()) throw std::invalid_argument("the kept-alive load needs at least one path");
  const sockaddr_in address = loopbackAddress(target.host, target.port);
  std::vector<std::string> requests;
  for (const auto& path : target.paths)
    requests.push_back("GET " + path + " HTTP/1.1\r\nHost: " + target.serverName + "\r\n" + target.extraHeaders +
                       "\r\n");
  auto ctx = newRawPskClientContext();
  const int sessions = std::max(1, settings.sessions);
  // Paced: each session sends at its share of the total rate.
  std::optional<Clock::duration> interval;
  if (settings.totalRate && *settings.totalRate > 0)
    interval =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(sessions / *settings.totalRate));

  KeptAliveResult result;
  std::mutex mutex;
  std::vector<std::uint32_t> latencies;
  const auto start = Clock::now();
  const auto deadline = start + settings.duration;
  std::vector<std::thread> threads;
  for (int t = 0; t < sessions; ++t)
    threads.emplace_back([&, t] {
      pthread_setname_np(pthread_self(), "bench-client");
      const double cpuStart = threadCpuSeconds();
      std::uint64_t ok = 0, failed = 0, reconnects = 0;
      std::vector<std::uint32_t> mine;
      std::string why, cipher;
      std::unique_ptr<Session> session;
      std::size_t next = static_cast<std::size_t>(t);
      // Sessions start spread over one interval, not all at once.
      auto scheduled = start + (interval ? *interval * t / sessions : Clock::duration{});
      while (true) {
        if (interval) {
          if (scheduled >= deadline) break;
          std::this_thread::sleep_until(scheduled);
        } else {
          scheduled = Clock::now();
          if (scheduled >= deadline) break;
        }
        try {
          if (!session) {
            if (ok + failed > 0) ++reconnects;
            session = std::make_unique<Session>(ctx.get(), target, address, settings.ioTimeout);
            if (cipher.empty()) cipher = session->cipher();
          }
          bool closed = false;
          std::string e = exchange(*session, requests[next++ % requests.size()], target.expectInBody, closed);
          if (closed) session.reset();
          if (e.empty()) {
            ++ok;
            mine.push_back(static_cast<std::uint32_t>(
                std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - scheduled).count()));
          } else {
            ++failed;
            if (why.empty()) why = e;
          }
        } catch (const std::exception& e) {
          ++failed;
          session.reset();
          if (why.empty()) why = e.what();
        }
        if (interval) scheduled += *interval;
      }
      session.reset();
      const double cpu = threadCpuSeconds() - cpuStart;
      std::lock_guard lock(mutex);
      result.successes += ok;
      result.failures += failed;
      result.reconnects += reconnects;
      result.clientCpuSeconds += cpu;
      if (result.firstFailure.empty()) result.firstFailure = why;
      if (result.cipher.empty()) result.cipher = cipher;
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  for (auto& t : threads) t.join();
  result.elapsedSeconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.latencyP50Ms = percentileMs(latencies, 0.50);
  result.latencyP99Ms = percentileMs(latencies, 0.99);
  return result;
}

}  // namespace rspf::bench
