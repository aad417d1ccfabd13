#pragma once
// "scheme://host[:port][/path]" as our clients take them (the MEF URL, a webhook).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rspf::transport {

struct Url {
  std::string host;  // without the brackets of an IPv6 literal
  std::uint16_t port = 0;
  std::string target = "/";  // path and query
};

// nullopt when `url` has another scheme, no host, or a bad port; `defaultPort` when none is given.
std::optional<Url> parseUrl(std::string_view url, std::string_view scheme, std::uint16_t defaultPort);

}  // namespace rspf::transport
