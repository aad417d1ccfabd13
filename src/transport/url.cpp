#include "transport/url.hpp"

#include <charconv>

namespace rspf::transport {

std::optional<Url> parseUrl(std::string_view url, std::string_view scheme, std::uint16_t defaultPort) {
  std::string prefix = std::string(scheme) + "://";
  if (url.substr(0, prefix.size()) != prefix) return std::nullopt;
  url.remove_prefix(prefix.size());
  Url out;
  out.port = defaultPort;
  auto slash = url.find('/');
  if (slash != std::string_view::npos) out.target = std::string(url.substr(slash));
  std::string_view authority = url.substr(0, slash);
  std::string_view host = authority;
  if (!authority.empty() && authority.front() == '[') {  // [v6]:port
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() != ':') return std::nullopt;
  } else {
    auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    authority = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
  }
  if (!authority.empty()) {  // ":port"
    authority.remove_prefix(1);
    unsigned port = 0;
    auto r = std::from_chars(authority.data(), authority.data() + authority.size(), port);
    if (r.ec != std::errc() || r.ptr != authority.data() + authority.size() || port == 0 || port > 65535)
      return std::nullopt;
    out.port = static_cast<std::uint16_t>(port);
  }
  if (host.empty()) return std::nullopt;
  out.host = std::string(host);
  return out;
}

}  // namespace rspf::transport
