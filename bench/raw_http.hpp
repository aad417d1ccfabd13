#pragma once
// The raw OpenSSL peers' HTTP/1.1: read one whole message (headers, then Content-Length bytes of
// body) from a TLS connection. No pipelining: the peer sends the next message only after an answer.
#include <openssl/ssl.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rspf::bench {

struct RawHttpMessage {
  std::string bytes;           // headers and body
  std::size_t bodyStart = 0;   // after the blank line
  bool sizedByLength = false;  // had a Content-Length
  std::string_view head() const { return std::string_view(bytes).substr(0, bodyStart); }
  std::string_view body() const { return std::string_view(bytes).substr(bodyStart); }
};

// The value of the header `lowerName` (given in lower case; matched case-insensitively) in a header
// block, leading spaces skipped; nullopt when absent.
std::optional<std::string_view> headerValue(std::string_view headers, std::string_view lowerName);
// The value of Content-Length in `headers`, or npos when absent.
std::size_t contentLengthOf(std::string_view headers);
// Whether the message's Connection header says close (case-insensitive).
bool saysClose(const RawHttpMessage& message);

// Reads one message into `message`. Without a Content-Length the body runs to the end of the
// connection when `bodyToEof` (a response), else it is empty (a request). False on an error, an end
// of the connection before the message is whole, or headers over `maxHeader` bytes.
bool readHttpMessage(SSL* ssl, RawHttpMessage& message, bool bodyToEof, std::size_t maxHeader = 16 * 1024);

}  // namespace rspf::bench
