#include "transport/https/https_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "common/log_fields.hpp"
#include "tls/handshake_peer.hpp"
#include "transport/listening_socket.hpp"

namespace rspf::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpResponse errorResponse(int status, const std::string& reason) {
  HttpResponse r;
  r.status = status;
  r.body = nlohmann::json{{"Status", false}, {"ErrorString", reason}}.dump();
  return r;
}

namespace {

constexpr std::size_t kMaxHeaderBytes = 8 * 1024;
constexpr std::uint64_t kMaxDrainBytes = 1024 * 1024;  // beyond this a refused body is not read

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, asio::ssl::context& ctx, const HttpsServerSettings& settings,
          const RequestHandler& handler, const HandshakeObserver& observer, asio::thread_pool& workers)
      : stream_(std::move(socket), ctx),
        settings_(settings),
        handler_(handler),
        observer_(observer),
        workers_(workers) {
    beast::error_code ec;
    auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    remote_ = ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  void run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->handshake(); });
  }

 private:
  void handshake() {
    beast::get_lowest_layer(stream_).expires_after(settings_.idleTimeout);
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = shared_from_this()](beast::error_code ec) { self->onHandshake(ec); });
  }

  void onHandshake(beast::error_code ec) {
    auto outcome = tls::authenticatedPeerOf(stream_.native_handle(), ec ? ec.message() : "",
                                            {settings_.anonymousClients, {}}, remote_);
    if (!outcome.peer) {
      ScopedLogFields fields({{"remote", remote_}, {"event", "handshake_refused"}});
      spdlog::info("TLS handshake from {} refused: {}", remote_, outcome.refusal);
      if (settings_.observer)
        settings_.observer->handshake({"none", false, "", outcome.presentedPskIdentity, remote_, outcome.refusal});
      return;  // the socket closes when the session is released
    }
    peer_ = std::move(*outcome.peer);
    spdlog::debug("TLS {} {} from {}: {} as '{}'", outcome.protocol, outcome.cipher, remote_, peer_.framework,
                  peer_.principal);
    if (settings_.observer)
      settings_.observer->handshake({peer_.framework, true, peer_.principal, peer_.pskIdentity, remote_, ""});
    if (observer_) {
      try {
        observer_(peer_);
      } catch (const std::exception& e) {
        spdlog::warn("handshake observer failed for {}: {}", remote_, e.what());
      }
    }
    read();
  }

  void read() {
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    // A declared Content-Length is checked once the header is in (onHeader); the parser's own
    // limit then guards chunked bodies.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    beast::get_lowest_layer(stream_).expires_after(settings_.idleTimeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onHeader(ec); });
  }

  void onHeader(beast::error_code ec) {
    if (ec) return onRead(ec);
    auto declared = parser_->content_length();
    if (declared && *declared > settings_.maxBodyBytes) {
      spdlog::info("{} request refused: body of {} bytes, over {}", remote_, *declared, settings_.maxBodyBytes);
      auto refusal = errorResponse(413, "request body exceeds " + std::to_string(settings_.maxBodyBytes) + " bytes");
      // Read the rest of a moderately sized body first: closing with unread data resets the
      // connection, and the client would lose the 413 before reading it.
      if (*declared <= kMaxDrainBytes && *declared > buffer_.size())
        return drain(*declared - buffer_.size(), std::move(refusal));
      return reply(std::move(refusal), false, 11);
    }
    parser_->body_limit(settings_.maxBodyBytes);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::ssl::error::stream_truncated || ec == beast::error::timeout ||
        ec == asio::error::eof || ec == asio::error::connection_reset) {
      spdlog::debug("connection from {} ends: {}", remote_, ec.message());
      return close();
    }
    if (ec == http::error::body_limit) {  // a chunked body over the limit
      spdlog::info("{} request refused: body over {} bytes", remote_, settings_.maxBodyBytes);
      return reply(errorResponse(413, "request body exceeds " + std::to_string(settings_.maxBodyBytes) + " bytes"),
                   false, 11);
    }
    if (ec == http::error::header_limit) {
      return reply(errorResponse(431, "request header fields too large"), false, 11);
    }
    if (ec) {
      spdlog::info("{} malformed HTTP request: {}", remote_, ec.message());
      return reply(errorResponse(400, "malformed HTTP request: " + ec.message()), false, 11);
    }

    auto& req = parser_->get();
    HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req) request.headers.emplace_back(field.name_string(), field.value());
    request.body = std::move(req.body());
    bool keepAlive = req.keep_alive();
    unsigned version = req.version();
    // The handler runs on a worker; the session is idle meanwhile, so the exporter may use the SSL.
    auto received = std::chrono::steady_clock::now();
    asio::post(workers_, [self = shared_from_this(), request = std::move(request), keepAlive, version,
                          received]() mutable {
      auto response = self->handle(request);
      if (self->settings_.observer)
        self->settings_.observer->request(response.status, std::chrono::steady_clock::now() - received);
      asio::post(self->stream_.get_executor(), [self, response = std::move(response), keepAlive, version]() mutable {
        self->reply(std::move(response), keepAlive, version);
      });
    });
  }

  HttpResponse handle(const HttpRequest& request) {
    HttpResponse response;
    try {
      response = handler_(peer_, request);
    } catch (const Error& e) {
      response = errorResponse(httpStatusOf(e.code()), e.what());
    } catch (const std::exception& e) {
      spdlog::error("request {} {} from {} failed: {}", request.method, request.target, remote_, e.what());
      response = errorResponse(500, "internal error");
    }
    ScopedLogFields fields({{"remote", remote_},
                            {"method", request.method},
                            {"path", request.target.substr(0, 200)},
                            {"status", response.status},
                            {"framework", peer_.framework},
                            {"principal", peer_.principal}});
    spdlog::info("{} {} {} -> {} ({} '{}')", remote_, request.method, request.target, response.status, peer_.framework,
                 peer_.principal);
    return response;
  }

  void drain(std::uint64_t remaining, HttpResponse then) {
    buffer_.consume(buffer_.size());
    auto scratch = std::make_shared<std::array<char, 16 * 1024>>();
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
    stream_.async_read_some(asio::buffer(*scratch),
                            [self = shared_from_this(), scratch, remaining, then = std::move(then)](
                                beast::error_code ec, std::size_t n) mutable {
                              if (ec) return self->close();
                              if (n >= remaining) return self->reply(std::move(then), false, 11);
                              self->drain(remaining - n, std::move(then));
                            });
  }

  void reply(HttpResponse response, bool keepAlive, unsigned version) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status),
                                                                   version == 10 ? 10 : 11);
    res->set(http::field::server, "rspf");
    res->set(http::field::content_type, response.contentType);
    for (const auto& [k, v] : response.headers) res->set(k, v);
    res->body() = std::move(response.body);
    res->keep_alive(keepAlive);
    res->prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(settings_.idleTimeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res, keepAlive](beast::error_code ec, std::size_t) {
      if (ec) return;
      if (keepAlive) return self->read();
      self->close();
    });
  }

  void close() {
    // One close_notify, bounded wait for the peer's (PITFALLS: a blocking shutdown stalls servers).
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(1));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  const HttpsServerSettings& settings_;
  const RequestHandler& handler_;
  const HandshakeObserver& observer_;
  asio::thread_pool& workers_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  tls::AuthenticatedPeer peer_;
  std::string remote_;
};

}  // namespace

struct HttpsServer::Impl {
  HttpsServerSettings settings;
  tls::PskIdentityResolver& resolver;
  RequestHandler handler;
  HandshakeObserver observer;
  asio::io_context ioc;
  asio::thread_pool workers{static_cast<std::size_t>(std::max(1, settings.workers))};
  asio::ssl::context ctx{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  mutable std::mutex mutex;
  std::condition_variable stopped;
  bool running = false;

  Impl(HttpsServerSettings s, tls::PskIdentityResolver& r, RequestHandler h, HandshakeObserver o)
      : settings(std::move(s)), resolver(r), handler(std::move(h)), observer(std::move(o)) {}

  void accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket), ctx, settings, handler, observer, workers)->run();
      }
      accept();
    });
  }
};

HttpsServer::HttpsServer(HttpsServerSettings settings, tls::PskIdentityResolver& resolver, RequestHandler handler,
                         HandshakeObserver onHandshake)
    : impl_(std::make_unique<Impl>(std::move(settings), resolver, std::move(handler), std::move(onHandshake))) {
  tls::configurePskServer(impl_->ctx.native_handle(), impl_->settings.tls, &impl_->resolver);
  if (impl_->settings.certificate)
    tls::enableCertificateAuthentication(impl_->ctx.native_handle(), *impl_->settings.certificate,
                                         impl_->settings.certificateResolver);
  listenOn(impl_->acceptor, impl_->settings.host, impl_->settings.port, "listen");
}

HttpsServer::~HttpsServer() {
  stop();
  wait();
}

std::uint16_t HttpsServer::port() const { return impl_->acceptor.local_endpoint().port(); }

bool HttpsServer::listening() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->running && !impl_->ioc.stopped();
}

void HttpsServer::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->running) return;
  impl_->running = true;
  impl_->accept();
  int n = std::max(1, impl_->settings.threads);
  for (int i = 0; i < n; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
}

void HttpsServer::stop() {
  asio::post(impl_->ioc, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->ioc.stop();
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
