#include "raw_http.hpp"

#include <algorithm>
#include <cctype>

namespace rspf::bench {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != lower[i]) return false;
  return true;
}

}  // namespace

std::optional<std::string_view> headerValue(std::string_view headers, std::string_view lowerName) {
  for (std::size_t line = headers.find("\r\n"); line != std::string_view::npos; line = headers.find("\r\n", line + 2)) {
    std::size_t start = line + 2, colon = start + lowerName.size();
    if (colon >= headers.size() || headers[colon] != ':' ||
        !equalsIgnoreCase(headers.substr(start, lowerName.size()), lowerName))
      continue;
    std::size_t value = colon + 1;
    while (value < headers.size() && headers[value] == ' ') ++value;
    return headers.substr(value, std::min(headers.find("\r\n", value), headers.size()) - value);
  }
  return std::nullopt;
}

std::size_t contentLengthOf(std::string_view headers) {
  auto value = headerValue(headers, "content-length");
  if (!value) return std::string_view::npos;
  std::size_t length = 0;
  for (std::size_t p = 0; p < value->size() && (*value)[p] >= '0' && (*value)[p] <= '9'; ++p)
    length = length * 10 + static_cast<std::size_t>((*value)[p] - '0');
  return length;
}

bool saysClose(const RawHttpMessage& message) {
  auto value = headerValue(message.head(), "connection");
  return value && equalsIgnoreCase(*value, "close");
}

bool readHttpMessage(SSL* ssl, RawHttpMessage& message, bool bodyToEof, std::size_t maxHeader) {
  message = RawHttpMessage{};
  std::string& in = message.bytes;
  char buf[4096];
  std::size_t wanted = std::string::npos;  // headers + body, once known
  bool haveHeaders = false;
  while (wanted == std::string::npos || in.size() < wanted) {
    int n = SSL_read(ssl, buf, sizeof buf);
    if (n <= 0) {
      if (haveHeaders && wanted == std::string::npos && bodyToEof) return true;  // the body ran to the end
      return false;
    }
    in.append(buf, static_cast<std::size_t>(n));
    if (haveHeaders) continue;
    auto end = in.find("\r\n\r\n");
    if (end == std::string::npos) {
      if (in.size() > maxHeader) return false;
      continue;
    }
    haveHeaders = true;
    message.bodyStart = end + 4;
    auto length = contentLengthOf(std::string_view(in).substr(0, end + 2));
    message.sizedByLength = length != std::string_view::npos;
    if (message.sizedByLength)
      wanted = message.bodyStart + length;
    else if (!bodyToEof)
      wanted = message.bodyStart;
  }
  return true;
}

}  // namespace rspf::bench
