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

LoadResult runKeptAliveLoad(const KeptAliveTarget& target, const KeptAliveSettings& settings) {
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

  const auto start = Clock::now();
  const auto deadline = start + settings.duration;
  return runClientThreads(sessions, [&](int t, ClientTally& tally) {
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
          if (tally.successes + tally.failures > 0) ++tally.reconnects;
          session = std::make_unique<Session>(ctx.get(), target, address, settings.ioTimeout);
          if (tally.cipher.empty()) tally.cipher = session->cipher();
        }
        bool closed = false;
        std::string e = exchange(*session, requests[next++ % requests.size()], target.expectInBody, closed);
        if (closed) session.reset();
        if (e.empty())
          tally.succeeded(scheduled);  // latency from the scheduled time: a late start counts
        else
          tally.failed(e);
      } catch (const std::exception& e) {
        session.reset();
        tally.failed(e.what());
      }
      if (interval) scheduled += *interval;
    }
  });
}

}  // namespace rspf::bench
