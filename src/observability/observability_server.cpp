#include "observability/observability_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <thread>

#include "common/error.hpp"
#include "common/text_file.hpp"
#include "observability/prometheus_metrics.hpp"
#include "transport/listening_socket.hpp"

namespace rspf::observability {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::chrono::seconds kTimeout{10};

// One request per connection (a scraper opens one per scrape), answered with Connection: close.
class ObservabilitySession : public std::enable_shared_from_this<ObservabilitySession> {
 public:
  ObservabilitySession(tcp::socket&& socket, const ObservabilityHandlers& handlers)
      : stream_(std::move(socket)), handlers_(handlers) {}

  void run() {
    parser_.header_limit(8 * 1024);
    parser_.body_limit(0);
    stream_.expires_after(kTimeout);
    http::async_read(stream_, buffer_, parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

 private:
  void onRead(beast::error_code ec) {
    if (ec) return;  // timeouts, resets and malformed requests just close
    const auto& req = parser_.get();
    auto res = std::make_shared<http::response<http::string_body>>(http::status::ok, req.version());
    res->set(http::field::server, "rspf");
    std::string_view target(req.target().data(), req.target().size());
    target = target.substr(0, target.find('?'));
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      res->result(http::status::method_not_allowed);
      res->set(http::field::allow, "GET, HEAD");
      res->set(http::field::content_type, "application/json");
      res->body() = R"({"status":"method not allowed"})";
    } else if (target == "/metrics") {
      res->set(http::field::content_type, kPrometheusTextType);
      res->body() = handlers_.renderMetrics();
    } else if (target == "/healthz") {
      bool ok = handlers_.healthy();
      res->result(ok ? http::status::ok : http::status::service_unavailable);
      res->set(http::field::content_type, "application/json");
      res->body() = ok ? R"({"status":"ok"})" : R"({"status":"unavailable"})";
    } else if (auto resource = handlers_.operatorResources.find(target);
               resource != handlers_.operatorResources.end()) {
      res->set(http::field::content_type, "application/json");
      res->body() = resource->second();
    } else {
      res->result(http::status::not_found);
      res->set(http::field::content_type, "application/json");
      res->body() = R"({"status":"not found"})";
    }
    if (req.method() == http::verb::head) res->body().clear();
    res->keep_alive(false);
    res->prepare_payload();
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  beast::tcp_stream stream_;
  const ObservabilityHandlers& handlers_;
  beast::flat_buffer buffer_;
  http::request_parser<http::empty_body> parser_;
};

}  // namespace

struct ObservabilityServer::Impl {
  ObservabilitySettings settings;
  ObservabilityHandlers handlers;
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::thread thread;

  void accept() {
    acceptor.async_accept(ioc, [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) std::make_shared<ObservabilitySession>(std::move(socket), handlers)->run();
      accept();
    });
  }
};

ObservabilityServer::ObservabilityServer(ObservabilitySettings settings, ObservabilityHandlers handlers)
    : impl_(std::make_unique<Impl>()) {
  impl_->settings = std::move(settings);
  impl_->handlers = std::move(handlers);
  transport::listenOn(impl_->acceptor, impl_->settings.host, impl_->settings.port, "observability.listen");
}

ObservabilityServer::~ObservabilityServer() { stop(); }

std::uint16_t ObservabilityServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void ObservabilityServer::start() {
  if (impl_->thread.joinable()) return;
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
  if (impl_->settings.readyFile) writeReadyFile(*impl_->settings.readyFile, impl_->settings.host, port());
  spdlog::info("observability (/metrics, /healthz) listening on http://{}:{}", impl_->settings.host, port());
}

void ObservabilityServer::stop() {
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace rspf::observability
