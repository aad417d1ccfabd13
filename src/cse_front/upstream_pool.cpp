#include "cse_front/upstream_pool.hpp"

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace rspf::cse_front {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMaxResponseHeaderBytes = 16 * 1024;

// Thrown inside exchange() when a reused connection turns out closed before any answer arrived.
struct ClosedUnderUs {
  std::string reason;
};

bool closedByPeer(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == http::error::partial_message;
}

bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS";
}

std::chrono::milliseconds remaining(Steady::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now());
  return std::max(left, std::chrono::milliseconds(1));
}

}  // namespace

struct UpstreamPool::Connection {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool connected = false;
  bool used = false;  // has carried a request: a failure may mean the CSE closed it while idle

  // Runs one asynchronous operation to completion on this thread, within `timeout`.
  template <typename Start>
  beast::error_code run(std::chrono::milliseconds timeout, Start&& start) {
    beast::error_code result;
    bool done = false;
    stream.expires_after(timeout);
    start([&](beast::error_code ec) {
      result = ec;
      done = true;
    });
    ioc.restart();
    ioc.run_for(timeout + std::chrono::milliseconds(100));
    if (!done) {  // the stream's own deadline did not fire: give up on the socket
      stream.close();
      ioc.restart();
      ioc.run();
      return beast::error::timeout;
    }
    return result;
  }

  // An idle kept-alive connection the CSE has closed (or sent something unasked on) is readable.
  bool looksClosed() {
    pollfd p{stream.socket().native_handle(), POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;
  }
};

UpstreamPool::UpstreamPool(UpstreamSettings settings) : settings_(std::move(settings)) {
  if (settings_.poolSize == 0) settings_.poolSize = 1;
  basePath_ = settings_.url.target.substr(0, settings_.url.target.find('?'));
  while (!basePath_.empty() && basePath_.back() == '/') basePath_.pop_back();
}

UpstreamPool::~UpstreamPool() = default;

std::string UpstreamPool::where() const { return settings_.url.host + ":" + std::to_string(settings_.url.port); }

std::size_t UpstreamPool::openConnections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::unique_ptr<UpstreamPool::Connection> UpstreamPool::acquire(Steady::time_point deadline) {
  std::unique_lock lock(mutex_);
  for (;;) {
    while (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (!c->looksClosed()) return c;
      --open_;  // closed while idle: dropped here, outside any request
    }
    if (open_ < settings_.poolSize) {
      ++open_;
      return std::make_unique<Connection>();
    }
    if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= settings_.poolSize)
      throw UpstreamError(UpstreamError::Kind::Timeout,
                          "all " + std::to_string(settings_.poolSize) + " connections to the CSE stayed busy");
  }
}

void UpstreamPool::release(std::unique_ptr<Connection> connection, bool reusable) {
  {
    std::lock_guard lock(mutex_);
    if (connection && reusable) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  available_.notify_one();
}

transport::HttpResponse UpstreamPool::send(const transport::HttpRequest& request) {
  auto deadline = Steady::now() + settings_.responseTimeout;
  for (int attempt = 0;; ++attempt) {
    auto c = acquire(deadline);
    bool reused = c->used;
    bool keepAlive = false;
    try {
      auto response = exchange(*c, request, deadline, keepAlive);
      release(std::move(c), keepAlive);
      return response;
    } catch (const ClosedUnderUs& closed) {
      release(nullptr, false);
      if (attempt == 0 && reused && idempotent(request.method)) continue;
      throw UpstreamError(UpstreamError::Kind::Unreachable,
                          "the CSE at " + where() + " closed the connection: " + closed.reason);
    } catch (...) {
      release(nullptr, false);
      throw;
    }
  }
}

transport::HttpResponse UpstreamPool::exchange(Connection& c, const transport::HttpRequest& request,
                                               Steady::time_point deadline, bool& keepAlive) {
  if (!c.connected) {
    tcp::resolver resolver(c.ioc);
    beast::error_code ec;
    auto endpoints = resolver.resolve(settings_.url.host, std::to_string(settings_.url.port), ec);
    if (ec) throw UpstreamError(UpstreamError::Kind::Unreachable, "cannot resolve the CSE at " + where());
    auto timeout = std::min(settings_.connectTimeout, remaining(deadline));
    ec = c.run(timeout, [&](auto done) {
      c.stream.async_connect(endpoints, [done](beast::error_code e, const tcp::endpoint&) { done(e); });
    });
    if (ec == beast::error::timeout)
      throw UpstreamError(
          UpstreamError::Kind::Unreachable,
          "the CSE at " + where() + " did not accept a connection within " + std::to_string(timeout.count()) + " ms");
    if (ec)
      throw UpstreamError(UpstreamError::Kind::Unreachable, "cannot reach the CSE at " + where() + ": " + ec.message());
    beast::error_code ignored;
    c.stream.socket().set_option(tcp::no_delay(true), ignored);
    c.connected = true;
  }
  bool reused = c.used;
  c.used = true;

  http::request<http::string_body> req;
  auto verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    req.method_string(request.method);
  } else {
    req.method(verb);
  }
  req.target(basePath_ + request.target);
  req.version(11);
  req.set(http::field::host, where());
  for (const auto& [name, value] : request.headers) req.insert(name, value);
  req.body() = request.body;
  req.keep_alive(true);
  req.prepare_payload();

  auto ec = c.run(remaining(deadline), [&](auto done) {
    http::async_write(c.stream, req, [done](beast::error_code e, std::size_t) { done(e); });
  });
  if (ec == beast::error::timeout)
    throw UpstreamError(UpstreamError::Kind::Timeout, "the CSE at " + where() + " did not take the request within " +
                                                          std::to_string(settings_.responseTimeout.count()) + " ms");
  if (ec && reused && closedByPeer(ec)) throw ClosedUnderUs{ec.message()};
  if (ec)
    throw UpstreamError(UpstreamError::Kind::Unreachable,
                        "sending to the CSE at " + where() + " failed: " + ec.message());

  http::response_parser<http::string_body> parser;
  parser.header_limit(kMaxResponseHeaderBytes);
  parser.body_limit(settings_.maxResponseBytes);
  if (req.method() == http::verb::head) parser.skip(true);
  c.buffer.consume(c.buffer.size());
  ec = c.run(remaining(deadline), [&](auto done) {
    http::async_read(c.stream, c.buffer, parser, [done](beast::error_code e, std::size_t) { done(e); });
  });
  if (ec == beast::error::timeout)
    throw UpstreamError(UpstreamError::Kind::Timeout, "the CSE at " + where() + " did not answer within " +
                                                          std::to_string(settings_.responseTimeout.count()) + " ms");
  if (ec == http::error::body_limit)
    throw UpstreamError(UpstreamError::Kind::TooLarge,
                        "the CSE's answer exceeds " + std::to_string(settings_.maxResponseBytes) + " bytes");
  if (ec && reused && closedByPeer(ec) && !parser.got_some()) throw ClosedUnderUs{ec.message()};
  if (ec && closedByPeer(ec))
    throw UpstreamError(UpstreamError::Kind::Unreachable,
                        "the CSE at " + where() + " closed the connection: " + ec.message());
  if (ec) throw UpstreamError(UpstreamError::Kind::Malformed, "the CSE's answer is not valid HTTP: " + ec.message());

  auto& res = parser.get();
  keepAlive = res.keep_alive();
  transport::HttpResponse response;
  response.status = static_cast<int>(res.result_int());
  response.contentType = std::string(res[http::field::content_type]);
  for (const auto& field : res) response.headers.emplace_back(field.name_string(), field.value());
  response.body = std::move(res.body());
  return response;
}

}  // namespace rspf::cse_front
