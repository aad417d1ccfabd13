#include "transport/https/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/error.hpp"

namespace rspf::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpResponse sendHttpRequest(const Url& url, const HttpRequest& request, std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  http::request<http::string_body> req{http::string_to_verb(request.method), url.target, 11};
  req.set(http::field::host, url.host);
  req.set(http::field::user_agent, "rspf");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = request.body;
  req.prepare_payload();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  beast::error_code failure;
  bool done = false;
  auto fail = [&](beast::error_code ec) {
    failure = ec;
    done = true;
  };

  stream.expires_after(timeout);  // one deadline for connect, write and read
  resolver.async_resolve(url.host, std::to_string(url.port), [&](beast::error_code ec, tcp::resolver::results_type r) {
    if (ec) return fail(ec);
    stream.async_connect(r, [&](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return fail(ec);
      http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
        if (ec) return fail(ec);
        http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
          failure = ec;
          done = true;
        });
      });
    });
  });
  ioc.run_for(timeout + std::chrono::milliseconds(50));  // the resolver is not under the stream's deadline
  std::string where = url.host + ":" + std::to_string(url.port);
  if (!done || failure == beast::error::timeout)
    throw Error(ErrorCode::Unavailable, where + " did not answer within " + std::to_string(timeout.count()) + " ms");
  if (failure) throw Error(ErrorCode::Unavailable, "cannot reach " + where + ": " + failure.message());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);

  auto& res = parser.get();
  HttpResponse response;
  response.status = static_cast<int>(res.result_int());
  response.contentType = std::string(res[http::field::content_type]);
  for (const auto& field : res) response.headers.emplace_back(field.name_string(), field.value());
  response.body = std::move(res.body());
  return response;
}

}  // namespace rspf::transport
