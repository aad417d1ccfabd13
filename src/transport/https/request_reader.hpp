#pragma once
// How the HTTPS binding reads one request, shared by the server's session (https_server.cpp) and the
// fuzz target that drives the same parser over raw bytes (fuzz/http_request_fuzzer.cpp): the Beast
// parser with the header limit, the body admitted once the header is in, the answer to each parser
// failure, and the neutral request the handlers get.
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <optional>

#include "transport/https/http_message.hpp"

namespace rspf::transport {

inline constexpr std::size_t kMaxRequestHeaderBytes = 8 * 1024;

struct RequestLimits {
  std::size_t maxHeaderBytes = kMaxRequestHeaderBytes;
  std::size_t maxBodyBytes = 16 * 1024;  // HttpsServerSettings::maxBodyBytes
};

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Before the header is read: the header limit. The body is limited once the header is in.
void prepareRequestParser(RequestParser& parser, const RequestLimits& limits);

// Once the header is in: the refusal of a request whose declared Content-Length is over the limit
// (413), or nullopt with the parser's body limit set for reading the body (it guards chunked bodies).
std::optional<HttpResponse> admitRequestBody(RequestParser& parser, const RequestLimits& limits);

// The answer to a request the parser refused with `ec` (the connection closes after it): 413 over the
// body limit, 431 over the header limit, 400 otherwise. Not for the ends of a connection (end of stream,
// timeout, reset), which get no answer.
HttpResponse requestRefusal(const boost::beast::error_code& ec, const RequestLimits& limits);

// The neutral request of a parsed one; the body is moved out of the parser.
HttpRequest takeRequest(RequestParser& parser);

}  // namespace rspf::transport
