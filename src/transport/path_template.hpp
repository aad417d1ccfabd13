#pragma once
// Route tables' path templates (mef/mef_router, admin_api/admin_router): "/fetchCredentials/{keId}"
// matches one path and captures "{name}" segments, percent-decoded (RFC 3986 2.1).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rspf::transport {

// Throws Error(BadRequest) for a malformed %-escape.
std::string percentDecoded(std::string_view s);

// The captures of `segments` (pathSegments of a target) against `pattern`, or nullopt when it does
// not match. A capture never matches an empty segment.
std::optional<std::map<std::string, std::string>> matchPathTemplate(std::string_view pattern,
                                                                    const std::vector<std::string>& segments);

}  // namespace rspf::transport
