#include "transport/https/https_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "common/error.hpp"
#include "common/log_fields.hpp"
#include "common/safe_text.hpp"
#include "crypto/identifiers.hpp"
#include "crypto/secret_bytes.hpp"
#include "tls/certificate_profile.hpp"
#include "tls/handshake_peer.hpp"
#include "tls/openssl_handles.hpp"
#include "transport/connection_gate.hpp"
#include "transport/https/request_reader.hpp"
#include "transport/https/tls_server_stream.hpp"
#include "transport/listening_socket.hpp"

namespace rspf::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpResponse errorResponse(int status, std::string_view reason) {
  HttpResponse r;
  r.status = status;
  r.body = safeJsonDump(nlohmann::json{{"Status", false}, {"ErrorString", safeErrorText(reason, 1024)}});
  return r;
}

HttpResponse overloadedResponse(std::chrono::seconds retryAfter) {
  auto r = errorResponse(503, "the server is busy; retry later");
  r.headers.emplace_back("Retry-After", std::to_string(retryAfter.count()));
  return r;
}

namespace {

// After a refusal, what is still coming is read and discarded (at most this much, for at most
// 2 s) before the close: closing with unread data resets the connection, and the client could
// lose the answer before reading it. A declared body beyond this is not read at all.
constexpr std::uint64_t kMaxDrainBytes = 1024 * 1024;
constexpr std::chrono::milliseconds kMinAcceptBackoff{50};
constexpr std::chrono::milliseconds kMaxAcceptBackoff{500};
// A draining stop() waits this long at most for answered connections to close.
constexpr std::chrono::milliseconds kDrainCloseWait{1000};

// Requests between their handler's start and their response's write, for a draining stop().
struct InFlight {
  std::atomic<int> requests{0};
  std::atomic<bool> draining{false};
  // Held until the response is written.
  std::shared_ptr<void> enter() {
    ++requests;
    return std::shared_ptr<void>(nullptr, [this](void*) { --requests; });
  }
};

// What every session needs of its listener.
struct Listener {
  const HttpsServerSettings& settings;
  tls::PskIdentityResolver& resolver;
  const RequestHandler& handler;
  const HandshakeObserver& observer;
  asio::thread_pool& workers;
  ConnectionGate& gate;
  std::atomic<std::size_t>& queued;  // requests posted to the workers and not yet handled
  InFlight& inFlight;
};

template <bool kTls>
class Session : public std::enable_shared_from_this<Session<kTls>> {
 public:
  using Stream = std::conditional_t<kTls, TlsServerStream, beast::tcp_stream>;

  template <class... StreamArgs>
  Session(const Listener& listener, ConnectionGate::Ticket ticket, std::string remote, StreamArgs&&... streamArgs)
      : stream_(std::forward<StreamArgs>(streamArgs)...),
        listener_(listener),
        ticket_(std::move(ticket)),
        remote_(std::move(remote)) {
    peer_.remoteAddress = remote_;
  }

  void run() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls)
        self->handshake();
      else
        self->read();
    });
  }

 private:
  const HttpsServerSettings& settings() const { return listener_.settings; }
  RequestLimits limits() const { return {kMaxRequestHeaderBytes, settings().maxBodyBytes}; }

  // Bounds the next operation (and those after it, until the next call).
  void expiresAfter(std::chrono::steady_clock::duration timeout) {
    if constexpr (kTls)
      stream_.expiresAfter(timeout);
    else
      stream_.expires_after(timeout);
  }

  void handshake() {
    expiresAfter(settings().limits.handshakeTimeout);
    // The PSK identity is read from the client's bytes so that a slow key lookup runs elsewhere.
    stream_.watch(listener_.resolver);
    stream_.async_handshake([self = this->shared_from_this()](beast::error_code ec) { self->onHandshake(ec); });
  }

  void onHandshake(beast::error_code ec) {
    stream_.stopWatching();
    auto outcome = tls::authenticatedPeerOf(stream_.native_handle(), ec ? ec.message() : "",
                                            {settings().anonymousClients, {}}, remote_);
    if (!outcome.peer) {
      ScopedLogFields fields([&] { return nlohmann::json{{"remote", remote_}, {"event", "handshake_refused"}}; });
      spdlog::info("TLS handshake from {} refused: {}", remote_, outcome.refusal);
      if (settings().observer)
        settings().observer->handshake({"none", false, "", outcome.presentedPskIdentity, remote_, outcome.refusal});
      return;  // the socket closes when the session is released
    }
    ticket_.authenticated();
    peer_ = std::move(*outcome.peer);
    spdlog::debug("TLS {} {} from {}: {} as '{}'", outcome.protocol, outcome.cipher, remote_, peer_.framework,
                  peer_.principal);
    if (settings().observer)
      settings().observer->handshake({peer_.framework, true, peer_.principal, peer_.pskIdentity, remote_, ""});
    if (listener_.observer) {
      try {
        listener_.observer(peer_);
      } catch (const std::exception& e) {
        spdlog::warn("handshake observer failed for {}: {}", remote_, e.what());
      } catch (...) {
        spdlog::warn("handshake observer failed for {}: a non-standard exception", remote_);
      }
    }
    read();
  }

  void read() {
    parser_.emplace();
    prepareRequestParser(*parser_, limits());
    expiresAfter(settings().limits.idleTimeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->onHeader(ec); });
  }

  void onHeader(beast::error_code ec) {
    if (ec) return onRead(ec);
    if constexpr (!kTls) ticket_.authenticated();  // plain HTTP: a whole header is as far as it goes
    auto& req = parser_->get();
    if (auto refusal = framingRefusal(req); !refusal.empty()) {
      spdlog::info("{} request refused: {}", remote_, refusal);
      return reply(errorResponse(400, refusal), false, 11, kMaxDrainBytes);
    }
    if (auto tooLarge = admitRequestBody(*parser_, limits())) {
      spdlog::info("{} request refused: body of {} bytes, over {}", remote_, parser_->content_length().value_or(0),
                   settings().maxBodyBytes);
      return refuseBody(std::move(*tooLarge));
    }
    if (settings().checkHeader) {
      std::optional<HttpResponse> refused;
      try {
        refused = settings().checkHeader(peer_, requestOf(req, false));
      } catch (...) {
        listener_.gate.refuse(Refusal::HandlerFailed, describeCurrentException());
        refused = errorResponse(500, "internal error");
      }
      if (refused) return refuseBody(std::move(*refused));
    }
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  // Answers before the body is read, then closes. A moderately sized declared body is read and
  // discarded after the answer is written: closing with unread data resets the connection, and
  // the client could lose the answer before reading it.
  void refuseBody(HttpResponse refusal) {
    auto declared = parser_->content_length();
    std::uint64_t unread = 0;
    if (declared && *declared <= kMaxDrainBytes && *declared > buffer_.size()) unread = *declared - buffer_.size();
    reply(std::move(refusal), false, 11, unread);
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::ssl::error::stream_truncated || ec == beast::error::timeout ||
        ec == asio::error::eof || ec == asio::error::connection_reset) {
      spdlog::debug("connection from {} ends: {}", remote_, ec.message());
      return close();
    }
    if (ec) {
      spdlog::info("{} HTTP request refused: {}", remote_, ec.message());
      return reply(requestRefusal(ec, limits()), false, 11, kMaxDrainBytes);
    }

    auto& req = parser_->get();
    bool keepAlive = req.keep_alive();
    unsigned version = req.version();
    auto received = std::chrono::steady_clock::now();
    auto request = requestOf(req, true);
    // The handler runs on a worker, or inline (HttpsServerSettings::handleInline, which needs no
    // worker and so no place in their queue); the session is idle meanwhile, so the exporter may use
    // the SSL.
    if (wantsInline(request)) {
      auto guard = listener_.inFlight.enter();
      auto response = handle(request);
      observeRequest(response.status, received);
      return reply(std::move(response), keepAlive && !listener_.inFlight.draining, version, 0, std::move(guard));
    }
    if (listener_.queued.fetch_add(1) >= settings().limits.maxQueuedRequests) {
      --listener_.queued;
      listener_.gate.refuse(Refusal::QueueFull, remote_);
      return reply(overloadedResponse(settings().limits.retryAfter), false, version);
    }
    handOff(std::move(request), keepAlive, version, received);
  }

  bool wantsInline(const HttpRequest& request) noexcept {
    if (!settings().handleInline) return false;
    try {
      return settings().handleInline(request);
    } catch (...) {
      listener_.gate.refuse(Refusal::HandlerFailed, "inline check: " + describeCurrentException());
      return false;
    }
  }

  // Posts the request to a worker, and its answer back to the session's strand.
  void handOff(HttpRequest request, bool keepAlive, unsigned version, std::chrono::steady_clock::time_point received) {
    // `work` keeps the network threads running while the handler does (a draining stop() closes the
    // acceptor, and an io_context without pending work would return before the answer is posted).
    asio::post(listener_.workers, [self = this->shared_from_this(), request = std::move(request), keepAlive, version,
                                   received, guard = listener_.inFlight.enter(),
                                   work = asio::make_work_guard(stream_.get_executor())]() mutable {
      auto response = self->handle(request);
      --self->listener_.queued;
      self->observeRequest(response.status, received);
      asio::post(self->stream_.get_executor(), [self, response = std::move(response), keepAlive, version,
                                                guard = std::move(guard)]() mutable {
        // While draining, the connection closes after this answer: no new request starts.
        self->reply(std::move(response), keepAlive && !self->listener_.inFlight.draining, version, 0, std::move(guard));
      });
    });
  }

  void observeRequest(int status, std::chrono::steady_clock::time_point received) noexcept {
    try {
      if (settings().observer) settings().observer->request(status, std::chrono::steady_clock::now() - received);
    } catch (...) {
      listener_.gate.refuse(Refusal::HandlerFailed, "request metric: " + describeCurrentException());
    }
  }

  // Never throws: a handler's exception, of any type, becomes an error response.
  HttpResponse handle(const HttpRequest& request) noexcept {
    HttpResponse response;
    std::string refusal;  // what the client was told, for the log line (error texts carry no secret)
    try {
      response = listener_.handler(peer_, request);
    } catch (const Error& e) {
      response = errorResponse(httpStatusOf(e.code()), e.what());
      refusal = e.what();
      // Unavailable: a store or an upstream is down for now (a database failover); ask for a retry.
      if (response.status == 503) response.headers.emplace_back("Retry-After", "1");
    } catch (...) {
      listener_.gate.refuse(Refusal::HandlerFailed, request.method + " " + safeErrorText(request.target) + " from " +
                                                        remote_ + ": " + describeCurrentException());
      response = errorResponse(500, "internal error");
    }
    try {
      std::string path = safeErrorText(request.target, 200);
      ScopedLogFields fields([&] {
        return nlohmann::json{
            {"remote", remote_},         {"method", request.method},     {"path", path},
            {"status", response.status}, {"framework", peer_.framework}, {"principal", peer_.principal}};
      });
      if (refusal.empty())
        spdlog::info("{} {} {} -> {} ({} '{}')", remote_, request.method, path, response.status, peer_.framework,
                     peer_.principal);
      else
        spdlog::info("{} {} {} -> {} ({} '{}'): {}", remote_, request.method, path, response.status, peer_.framework,
                     peer_.principal, safeErrorText(refusal, 300));
    } catch (...) {  // a log line is not worth a lost answer
    }
    return response;
  }

  static std::string describeCurrentException() {
    try {
      throw;
    } catch (const std::exception& e) {
      return e.what();
    } catch (...) {
      return "a non-standard exception";
    }
  }

  // Reads and discards `remaining` bytes (at most 2 s), then closes.
  void drain(std::uint64_t remaining) {
    buffer_.consume(buffer_.size());
    auto scratch = std::make_shared<std::array<char, 16 * 1024>>();
    expiresAfter(std::chrono::seconds(2));
    stream_.async_read_some(asio::buffer(*scratch),
                            [self = this->shared_from_this(), scratch, remaining](beast::error_code ec, std::size_t n) {
                              if (ec || n >= remaining) return self->close();
                              self->drain(remaining - n);
                            });
  }

  // Writes the response; then reads the next request, or discards `drainAfter` unread body bytes
  // and closes, or closes.
  // `guard` (a request in flight) is released once the response is written.
  void reply(HttpResponse response, bool keepAlive, unsigned version, std::uint64_t drainAfter = 0,
             std::shared_ptr<void> guard = {}) {
    if (auto connection = response.header("Connection"); connection && crypto::equalsIgnoreCase(*connection, "close"))
      keepAlive = false;
    auto res = std::make_shared<http::response<http::string_body>>();
    try {
      res->result(static_cast<http::status>(response.status));
      res->version(version == 10 ? 10 : 11);
      res->set(http::field::server, "rspf");
      res->set(http::field::content_type, response.contentType);
      for (const auto& [k, v] : response.headers) res->set(k, v);
      res->body() = std::move(response.body);
    } catch (...) {  // a header Beast refuses (too large): the handler's answer cannot be sent
      crypto::wipe(response.body.data(), response.body.size());
      listener_.gate.refuse(Refusal::HandlerFailed, "response to " + remote_ + ": " + describeCurrentException());
      auto fallback = errorResponse(500, "internal error");
      res = std::make_shared<http::response<http::string_body>>(http::status::internal_server_error, 11);
      res->set(http::field::content_type, fallback.contentType);
      res->body() = std::move(fallback.body);
      keepAlive = false;
    }
    res->keep_alive(keepAlive);
    res->prepare_payload();
    expiresAfter(settings().limits.idleTimeout);
    http::async_write(stream_, *res,
                      [self = this->shared_from_this(), res, keepAlive, drainAfter, guard = std::move(guard),
                       secret = response.secret](beast::error_code ec, std::size_t) mutable {
                        // Written or not, the secret's last copy here goes (the stream wipes its own).
                        if (secret) crypto::wipe(res->body().data(), res->body().size());
                        guard.reset();
                        if (ec) {
                          spdlog::debug("the answer to {} was not written: {}", self->remote_, ec.message());
                          return;
                        }
                        if (keepAlive) return self->read();
                        if (drainAfter > 0) return self->drain(drainAfter);
                        self->close();
                      });
  }

  void close() {
    if constexpr (kTls) {
      // One close_notify, bounded wait for the peer's (PITFALLS: a blocking shutdown stalls servers).
      expiresAfter(std::chrono::seconds(1));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->stream_.shutdownSocket(); });
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
  }

  Stream stream_;
  const Listener& listener_;
  ConnectionGate::Ticket ticket_;
  beast::flat_buffer buffer_{kMaxBufferedBytes};
  std::optional<RequestParser> parser_;
  tls::AuthenticatedPeer peer_;
  std::string remote_;
};

}  // namespace

struct HttpsServer::Impl {
  HttpsServerSettings settings;
  tls::PskIdentityResolver& resolver;
  RequestHandler handler;
  HandshakeObserver observer;
  ConnectionGate gate{settings.name, settings.limits, settings.observer};
  std::atomic<std::size_t> queued{0};
  InFlight inFlight;  // before the io_contexts and workers: their queued handlers hold guards into it
  // One io_context per network thread, each connection on one of them: a connection's completions
  // never cross threads (on one shared io_context, its threads hand completions to each other).
  std::vector<std::unique_ptr<asio::io_context>> contexts = makeContexts(settings.threads);
  // Each thread runs until stop(), though its io_context may have no connection for a while.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keepRunning = guardsOf(contexts);
  std::size_t nextContext = 0;  // round robin, on the acceptor's thread only
  asio::ssl::context ctx{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{*contexts.front()};
  asio::steady_timer acceptTimer{*contexts.front()};
  // After the io_context: work abandoned in the pool holds sessions, released before their io_context.
  asio::thread_pool workers{static_cast<std::size_t>(std::max(1, settings.workers))};
  Listener listener{settings, resolver, handler, observer, workers, gate, queued, inFlight};
  std::chrono::milliseconds acceptBackoff = kMinAcceptBackoff;
  std::vector<std::thread> threads;
  mutable std::mutex mutex;
  std::condition_variable stopped;
  bool running = false;

  Impl(HttpsServerSettings s, tls::PskIdentityResolver& r, RequestHandler h, HandshakeObserver o)
      : settings(withResolvedLimits(std::move(s))), resolver(r), handler(std::move(h)), observer(std::move(o)) {}

  static HttpsServerSettings withResolvedLimits(HttpsServerSettings s) {
    s.limits = resolved(s.limits);
    return s;
  }

  static std::vector<std::unique_ptr<asio::io_context>> makeContexts(int threads) {
    std::vector<std::unique_ptr<asio::io_context>> made;
    for (int i = 0; i < std::max(1, threads); ++i) made.push_back(std::make_unique<asio::io_context>(1));
    return made;
  }

  static std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guardsOf(
      const std::vector<std::unique_ptr<asio::io_context>>& contexts) {
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    for (const auto& c : contexts) guards.push_back(asio::make_work_guard(*c));
    return guards;
  }

  asio::io_context& nextConnectionContext() {
    asio::io_context& chosen = *contexts[nextContext];
    nextContext = (nextContext + 1) % contexts.size();
    return chosen;
  }

  bool contextsStopped() const { return contexts.front()->stopped(); }

  void stopContexts() {
    for (auto& c : contexts) c->stop();
  }

  void accept() {
    acceptor.async_accept(asio::make_strand(nextConnectionContext()), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) return backOff(ec);  // EMFILE, ENFILE, ENOBUFS: retrying at once would spin
      acceptBackoff = kMinAcceptBackoff;
      admit(std::move(socket));
      accept();
    });
  }

  void backOff(beast::error_code ec) {
    gate.refuse(Refusal::AcceptFailed,
                ec.message() + "; accepting again in " + std::to_string(acceptBackoff.count()) + " ms");
    acceptTimer.expires_after(acceptBackoff);
    acceptBackoff = std::min(acceptBackoff * 2, kMaxAcceptBackoff);
    acceptTimer.async_wait([this](beast::error_code waited) {
      if (!waited) accept();
    });
  }

  void admit(tcp::socket socket) {
    beast::error_code ec;
    auto endpoint = socket.remote_endpoint(ec);
    if (ec) return;  // already gone
    std::string address = endpoint.address().to_string();
    auto ticket = gate.admit(address);
    if (!ticket) return refuseAtOnce(std::move(socket));
    socket.set_option(tcp::no_delay(true), ec);
    std::string remote = address + ":" + std::to_string(endpoint.port());
    try {
      if (settings.plainHttp)
        std::make_shared<Session<false>>(listener, std::move(ticket), std::move(remote), std::move(socket))->run();
      else
        std::make_shared<Session<true>>(listener, std::move(ticket), std::move(remote), std::move(socket),
                                        ctx.native_handle())
            ->run();
    } catch (const std::exception& e) {  // no memory for the session: this connection only is refused
      gate.refuse(Refusal::HandlerFailed, "session for " + address + ": " + e.what());
    }
  }

  // Past a cap: plain HTTP gets a 503 without its request being read (it is the whole refusal and
  // fits the socket's send buffer); a TLS client is closed before any handshake work.
  void refuseAtOnce(tcp::socket socket) {
    beast::error_code ignored;
    if (settings.plainHttp) {
      auto body = overloadedResponse(settings.limits.retryAfter).body;
      std::string text =
          "HTTP/1.1 503 Service Unavailable\r\nServer: rspf\r\nContent-Type: application/json\r\n"
          "Retry-After: " +
          std::to_string(settings.limits.retryAfter.count()) +
          "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      socket.non_blocking(true, ignored);
      socket.write_some(asio::buffer(text), ignored);
      socket.shutdown(tcp::socket::shutdown_send, ignored);
    }
    socket.close(ignored);
  }

  // A network thread: a handler's exception ends neither the thread nor the process (the
  // session it escaped from is released, closing its connection).
  void runNetworkThread(asio::io_context& ioc) {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        gate.refuse(Refusal::HandlerFailed, std::string("network thread: ") + e.what());
      } catch (...) {
        gate.refuse(Refusal::HandlerFailed, "network thread: a non-standard exception");
      }
    }
  }
};

HttpsServer::HttpsServer(HttpsServerSettings settings, tls::PskIdentityResolver& resolver, RequestHandler handler,
                         HandshakeObserver onHandshake)
    : impl_(std::make_unique<Impl>(std::move(settings), resolver, std::move(handler), std::move(onHandshake))) {
  if (!impl_->settings.plainHttp) {
    tls::configurePskServer(impl_->ctx.native_handle(), impl_->settings.tls, &impl_->resolver);
    if (impl_->settings.certificate)
      tls::enableCertificateAuthentication(impl_->ctx.native_handle(), *impl_->settings.certificate,
                                           impl_->settings.certificateResolver);
  }
  listenOn(impl_->acceptor, impl_->settings.host, impl_->settings.port,
           impl_->settings.name == "https" ? "listen" : impl_->settings.name + ".listen");
}

HttpsServer::~HttpsServer() {
  stop();
  wait();
}

std::uint16_t HttpsServer::port() const { return impl_->acceptor.local_endpoint().port(); }

bool HttpsServer::listening() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->running && !impl_->contextsStopped();
}

void HttpsServer::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->running) return;
  impl_->running = true;
  impl_->accept();
  for (auto& ioc : impl_->contexts) impl_->threads.emplace_back([this, &ioc] { impl_->runNetworkThread(*ioc); });
}

void HttpsServer::stop() {
  asio::post(*impl_->contexts.front(), [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->acceptTimer.cancel();
  });
  impl_->inFlight.draining = true;
  if (int pending = impl_->inFlight.requests; pending > 0 && !impl_->contextsStopped()) {
    spdlog::info("draining {} request(s) in flight (at most {} ms)", pending, impl_->settings.drainTimeout.count());
    auto deadline = std::chrono::steady_clock::now() + impl_->settings.drainTimeout;
    while (impl_->inFlight.requests > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (int left = impl_->inFlight.requests; left > 0)
      spdlog::warn("stopping with {} request(s) still in flight after {} ms", left,
                   impl_->settings.drainTimeout.count());
    // The answers are written; let their connections close (close_notify, FIN) rather than be reset by
    // the process's exit before the client has read them. Bounded: idle keep-alive peers do not hold it.
    auto closing = std::min(deadline, std::chrono::steady_clock::now() + kDrainCloseWait);
    while (impl_->gate.open() > 0 && std::chrono::steady_clock::now() < closing)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  impl_->stopContexts();
  impl_->workers.stop();
}

void HttpsServer::wait() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(impl_->mutex);
    threads.swap(impl_->threads);
  }
  for (auto& t : threads)
    if (t.joinable()) t.join();
  impl_->workers.join();
}

}  // namespace rspf::transport
