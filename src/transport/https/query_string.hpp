#pragma once
// The query of a request target (RFC 3986 3.4) with percent-encoding: enough for `?a=x&b=y`.
#include <optional>
#include <string>
#include <string_view>

namespace rspf::transport {

// The decoded value of `name` in the target's query; nullopt when absent. Throws Error(BadRequest)
// on a malformed percent-escape.
std::optional<std::string> queryParameter(std::string_view target, std::string_view name);
// Percent-encodes everything but RFC 3986 unreserved characters.
std::string percentEncode(std::string_view value);

}  // namespace rspf::transport
