#pragma once
// The raw OpenSSL peers' HTTP/1.1: read one whole message (headers, then Content-Length bytes of
// body) from a TLS connection. No pipelining: the peer sends the next message only after an answer.
#include <openssl/ssl.h>

#include <cstddef>
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

// The value of Content-Length in `headers` (case-insensitive name), or npos when absent.
std::size_t contentLengthOf(std::string_view headers);

// Reads one message into `message`. Without a Content-Length the body runs to the end of the
// connection when `bodyToEof` (a response), else it is empty (a request). False on an error, an end
// of the connection before the message is whole, or headers over `maxHeader` bytes.
bool readHttpMessage(SSL* ssl, RawHttpMessage& message, bool bodyToEof, std::size_t maxHeader = 16 * 1024);

}  // namespace rspf::bench
