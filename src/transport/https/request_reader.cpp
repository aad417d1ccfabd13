#include "transport/https/request_reader.hpp"

#include <limits>
#include <string>

#include "transport/https/https_server.hpp"

namespace rspf::transport {

namespace http = boost::beast::http;

namespace {

HttpResponse bodyTooLarge(const RequestLimits& limits) {
  return errorResponse(413, "request body exceeds " + std::to_string(limits.maxBodyBytes) + " bytes");
}

}  // namespace

void prepareRequestParser(RequestParser& parser, const RequestLimits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.maxHeaderBytes));
  // A declared Content-Length is checked once the header is in (admitRequestBody); the parser's own
  // limit then guards chunked bodies.
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
}

std::optional<HttpResponse> admitRequestBody(RequestParser& parser, const RequestLimits& limits) {
  auto declared = parser.content_length();
  if (declared && *declared > limits.maxBodyBytes) return bodyTooLarge(limits);
  parser.body_limit(limits.maxBodyBytes);
  return std::nullopt;
}

HttpResponse requestRefusal(const boost::beast::error_code& ec, const RequestLimits& limits) {
  if (ec == http::error::body_limit) return bodyTooLarge(limits);  // a chunked body over the limit
  if (ec == http::error::header_limit) return errorResponse(431, "request header fields too large");
  return errorResponse(400, "malformed HTTP request: " + ec.message());
}

HttpRequest takeRequest(RequestParser& parser) {
  auto& req = parser.get();
  HttpRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  for (const auto& field : req) request.headers.emplace_back(field.name_string(), field.value());
  request.body = std::move(req.body());
  return request;
}

}  // namespace rspf::transport
