#include "transport/https/https_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "common/error.hpp"
#include "tls/handshake_peer.hpp"
#include "tls/openssl_handles.hpp"
#include "transport/https/http_codec.hpp"
#include "transport/url.hpp"

namespace rspf::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::optional<HttpsEndpoint> parseHttpsUrl(std::string_view url) {
  auto parsed = parseUrl(url, "https", 443);
  if (!parsed) return std::nullopt;
  return HttpsEndpoint{std::move(parsed->host), parsed->port};
}

namespace {
// One client context per TLS version policy: SNI and credentials are set per connection.
asio::ssl::context& sharedClientContext(const tls::PskClientSettings& settings) {
  static auto make = [](bool tls13) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    tls::configurePskClient(ctx->native_handle(), tls::PskClientSettings{"", tls13});
    return ctx;
  };
  static auto tls12 = make(false);
  static auto tls13 = make(true);
  return settings.tls13 ? *tls13 : *tls12;
}
}  // namespace

struct HttpsClient::Impl {
  asio::io_context ioc;
  std::optional<asio::ssl::context> ownContext;  // certificate authentication: per connection
  tls::PskClientSettings settings;
  tls::PskClientCredentials credentials;
  std::chrono::milliseconds timeout;
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;
  std::string hostHeader;

  // Runs the io_context until `done` or the timeout; a stuck operation is cancelled.
  void runUntil(const bool& done) {
    ioc.restart();
    ioc.run_for(timeout);
    if (!done) {
      beast::get_lowest_layer(*stream).cancel();
      ioc.restart();
      ioc.run();
    }
  }
};

HttpsClient::HttpsClient(const HttpsEndpoint& endpoint, const tls::PskClientSettings& settings,
                         tls::PskClientCredentials credentials, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  auto& d = *impl_;
  d.settings = settings;
  d.credentials = std::move(credentials);
  d.timeout = timeout;
  d.stream.emplace(d.ioc, sharedClientContext(d.settings));
  tls::attachPskClientCredentials(d.stream->native_handle(), d.settings, &d.credentials);
  connectAndHandshake(endpoint);
  d.credentials.psk.clear();  // no longer needed once the handshake is done
}

HttpsClient::HttpsClient(const HttpsEndpoint& endpoint, const std::string& serverName,
                         const tls::CertificateClientCredentials& credentials, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  auto& d = *impl_;
  d.timeout = timeout;
  d.ownContext.emplace(asio::ssl::context::tls_client);
  tls::configureCertificateClient(d.ownContext->native_handle(), credentials);
  d.stream.emplace(d.ioc, *d.ownContext);
  tls::expectServerName(d.stream->native_handle(), serverName);
  connectAndHandshake(endpoint);
}

void HttpsClient::connectAndHandshake(const HttpsEndpoint& endpoint) {
  auto& d = *impl_;
  const auto timeout = d.timeout;
  d.hostHeader = endpoint.host + ":" + std::to_string(endpoint.port);
  beast::error_code ec;
  tcp::resolver resolver(d.ioc);
  auto results = resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
  if (ec) throw Error(ErrorCode::Unavailable, "cannot resolve '" + endpoint.host + "': " + ec.message());

  bool done = false;
  beast::get_lowest_layer(*d.stream).expires_after(timeout);
  beast::get_lowest_layer(*d.stream).async_connect(results, [&](beast::error_code e, const tcp::endpoint&) {
    ec = e;
    done = true;
  });
  d.runUntil(done);
  if (ec) throw Error(ErrorCode::Unavailable, "cannot connect to " + d.hostHeader + ": " + ec.message());
  beast::get_lowest_layer(*d.stream).socket().set_option(tcp::no_delay(true), ec);

  done = false;
  d.stream->async_handshake(asio::ssl::stream_base::client, [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  d.runUntil(done);
  if (ec) {
    std::string queued = tls::drainOpenSslErrors();
    std::string detail = queued.empty() ? ec.message() : queued;
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted) detail = "timed out";
    if (long verify = SSL_get_verify_result(d.stream->native_handle()); verify != X509_V_OK)
      detail += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
    throw Error(ErrorCode::Tls,
                "TLS handshake with " + d.hostHeader + " failed: " + tls::describeHandshakeFailure(detail));
  }
  d.credentials.psk.clear();  // no longer needed once the handshake is done
}

HttpsClient::~HttpsClient() {
  if (!impl_ || !impl_->stream) return;
  // close_notify, and a short, bounded wait for the server's.
  auto& d = *impl_;
  d.timeout = std::min(d.timeout, std::chrono::milliseconds(500));
  bool done = false;
  beast::get_lowest_layer(*d.stream).expires_after(d.timeout);
  d.stream->async_shutdown([&](beast::error_code) { done = true; });
  d.runUntil(done);
  beast::error_code ignored;
  beast::get_lowest_layer(*d.stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(*d.stream).close();
}

HttpResponse HttpsClient::request(const HttpRequest& request) {
  auto& d = *impl_;
  http::request<http::string_body> req(http::string_to_verb(request.method), request.target, 11);
  req.set(http::field::host, d.hostHeader);
  req.set(http::field::user_agent, "rspf");
  for (const auto& [k, v] : request.headers) req.set(k, v);
  if (!request.body.empty() || request.method == "POST") {
    req.body() = request.body;
    if (!request.header("Content-Type")) req.set(http::field::content_type, "application/json");
  }
  req.keep_alive(true);
  req.prepare_payload();

  beast::error_code ec;
  bool done = false;
  beast::get_lowest_layer(*d.stream).expires_after(d.timeout);
  http::async_write(*d.stream, req, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  d.runUntil(done);
  if (ec) throw Error(ErrorCode::Unavailable, "sending to " + d.hostHeader + " failed: " + ec.message());

  http::response_parser<http::string_body> parser;
  parser.body_limit(1024 * 1024);
  done = false;
  beast::get_lowest_layer(*d.stream).expires_after(d.timeout);
  http::async_read(*d.stream, d.buffer, parser, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  d.runUntil(done);
  if (ec) {
    std::string queued = tls::drainOpenSslErrors();
    throw Error(ErrorCode::Unavailable,
                "no answer from " + d.hostHeader + ": " + ec.message() + (queued.empty() ? "" : " (" + queued + ")"));
  }
  auto& res = parser.get();
  HttpResponse response;
  response.status = static_cast<int>(res.result_int());
  for (const auto& field : res) response.headers.emplace_back(field.name_string(), field.value());
  response.contentType = response.header("Content-Type").value_or("");
  response.body = std::move(res.body());
  return response;
}

Response HttpsClient::send(const Request& request, std::string_view what) {
  return fromHttpResponse(this->request(toHttpRequest(request)), what);
}

crypto::SecretBytes HttpsClient::exportKeyingMaterial(std::string_view label, std::size_t length) {
  return tls::exportKeyingMaterial(impl_->stream->native_handle(), label, length);
}

std::string HttpsClient::cipherName() const { return tls::cipherNameOf(impl_->stream->native_handle()); }
std::string HttpsClient::protocolVersion() const { return tls::protocolVersionOf(impl_->stream->native_handle()); }

}  // namespace rspf::transport
