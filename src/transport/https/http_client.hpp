#pragma once
// A plain-HTTP client for one request with a deadline (the MEF's approval webhook). No TLS: point
// it at loopback or a trusted network.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "transport/https/http_message.hpp"
#include "transport/url.hpp"

namespace rspf::transport {

// "http://host[:port][/path]" (port 80 by default).
inline std::optional<Url> parseHttpUrl(std::string_view url) { return parseUrl(url, "http", 80); }

// Connects, sends `request` (to url.target), reads the response, all within `timeout`. Throws
// Error(Unavailable): "did not answer within … ms" past the deadline, else why it failed.
HttpResponse sendHttpRequest(const Url& url, const HttpRequest& request, std::chrono::milliseconds timeout);

}  // namespace rspf::transport
