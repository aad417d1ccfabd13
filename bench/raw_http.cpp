#include "raw_http.hpp"

#include <cctype>

namespace rspf::bench {

std::size_t contentLengthOf(std::string_view headers) {
  static constexpr std::string_view kName = "\ncontent-length:";
  for (std::size_t i = 0; i + kName.size() <= headers.size(); ++i) {
    bool match = true;
    for (std::size_t j = 0; j < kName.size() && match; ++j)
      match = std::tolower(static_cast<unsigned char>(headers[i + j])) == kName[j];
    if (!match) continue;
    std::size_t p = i + kName.size();
    while (p < headers.size() && headers[p] == ' ') ++p;
    std::size_t value = 0;
    while (p < headers.size() && headers[p] >= '0' && headers[p] <= '9')
      value = value * 10 + static_cast<std::size_t>(headers[p++] - '0');
    return value;
  }
  return std::string_view::npos;
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
