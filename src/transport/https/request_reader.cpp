#include "transport/https/request_reader.hpp"

#include <limits>

#include "crypto/identifiers.hpp"
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

std::string framingRefusal(const ParsedRequest& req) {
  std::size_t encodings = 0;
  std::string value;
  for (const auto& field : req) {
    if (field.name() != http::field::transfer_encoding) continue;
    ++encodings;
    value = std::string(field.value());
  }
  if (encodings == 0) return "";
  auto first = value.find_first_not_of(" \t"), last = value.find_last_not_of(" \t");
  value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
  if (encodings > 1 || !crypto::equalsIgnoreCase(value, "chunked"))
    return "Transfer-Encoding must be exactly \"chunked\" (RFC 9112 6.1)";
  if (req.count(http::field::content_length) > 0)
    return "a request takes Content-Length or Transfer-Encoding, not both (RFC 9112 6.3)";
  return "";
}

std::optional<HttpResponse> admitRequestBody(RequestParser& parser, const RequestLimits& limits) {
  auto declared = parser.content_length();
  if (declared && *declared > limits.maxBodyBytes) return bodyTooLarge(limits);
  parser.body_limit(limits.maxBodyBytes);
  return std::nullopt;
}

HttpResponse requestRefusal(const boost::beast::error_code& ec, const RequestLimits& limits) {
  if (ec == http::error::body_limit) return bodyTooLarge(limits);  // a chunked body over the limit
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
    return errorResponse(431, "request header fields, chunk line or trailer too large");
  return errorResponse(400, "malformed HTTP request: " + ec.message());
}

HttpRequest requestOf(ParsedRequest& req, bool withBody) {
  HttpRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  for (const auto& field : req) request.headers.emplace_back(field.name_string(), field.value());
  if (withBody) request.body = std::move(req.body());
  return request;
}

}  // namespace rspf::transport
