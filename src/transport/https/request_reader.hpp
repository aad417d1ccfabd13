#pragma once
// How the HTTPS binding reads one request, shared by the server's session (https_server.cpp) and the
// fuzz target that drives the same parser over raw bytes (fuzz/http_request_fuzzer.cpp): the Beast
// parser with the header limit and the read buffer's bound, the framing and Content-Length checks
// once the header is in, the answer to each parser failure, and the neutral request handlers get.
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <optional>
#include <string>

#include "transport/https/http_message.hpp"

namespace rspf::transport {

inline constexpr std::size_t kMaxRequestHeaderBytes = 8 * 1024;
// The read buffer's bound. Beast parses a chunk-size line (with extensions) and the trailer only
// once they are whole in the buffer, and its header limit does not cover trailers (PITFALLS): this
// bound does, well below the 64 KiB field size at which Beast's fields throw length_error.
inline constexpr std::size_t kMaxBufferedBytes = 32 * 1024;

struct RequestLimits {
  std::size_t maxHeaderBytes = kMaxRequestHeaderBytes;
  std::size_t maxBodyBytes = 16 * 1024;  // HttpsServerSettings::maxBodyBytes
};

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;
using ParsedRequest = RequestParser::value_type;

// Before the header is read: the header limit. The body is limited once the header is in.
void prepareRequestParser(RequestParser& parser, const RequestLimits& limits);

// RFC 9112 6.1 and 6.3: a request whose Transfer-Encoding is anything but exactly "chunked", or that
// has both Transfer-Encoding and Content-Length, is answered 400 and the connection closed (its
// framing cannot be trusted: the body could run as a second request). Returns the reason, or "".
std::string framingRefusal(const ParsedRequest& request);

// Once the header is in (and its framing accepted): the refusal of a request whose declared
// Content-Length is over the limit (413), or nullopt with the parser's body limit set for reading the
// body (it guards chunked bodies).
std::optional<HttpResponse> admitRequestBody(RequestParser& parser, const RequestLimits& limits);

// The answer to a request the parser refused with `ec` (the connection closes after it): 413 over the
// body limit, 431 over the header limit or the read buffer's bound, 400 otherwise. Not for the ends
// of a connection (end of stream, timeout, reset), which get no answer.
HttpResponse requestRefusal(const boost::beast::error_code& ec, const RequestLimits& limits);

// The neutral request of a parsed one; with the body moved out when `withBody`.
HttpRequest requestOf(ParsedRequest& request, bool withBody);

}  // namespace rspf::transport
