#pragma once
// Text from the wire (paths, headers, identifiers) made safe to echo: into a JSON body, whose
// serializer throws type_error.316 on bytes that are not UTF-8 (PITFALLS), or into a log line.
// Nothing here throws on any input, so an error body built in a catch block cannot throw again.
#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace rspf {

// `text` as valid UTF-8 of at most `maxBytes` bytes: each byte that does not start a well-formed
// UTF-8 sequence becomes U+FFFD, control characters become U+FFFD too, and a cut never splits a
// character (an ellipsis "…" marks one).
std::string safeErrorText(std::string_view text, std::size_t maxBytes = 200);

// JSON serialization that cannot throw type_error.316: invalid UTF-8 in strings becomes U+FFFD.
std::string safeJsonDump(const nlohmann::json& value, int indent = -1);

}  // namespace rspf
