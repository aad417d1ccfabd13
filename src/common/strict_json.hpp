#pragma once
// JSON from outside the process (request bodies, answers of other servers, files rspf reads), parsed
// strictly: exactly one value (RFC 8259 2), no trailing bytes, no NUL byte (nlohmann's lexer takes a
// NUL for the end of the input, so "{}\0garbage" would pass), no duplicate member names (RFC 8259
// 4 leaves them undefined: two readers could see two different documents), UTF-8 only (8.1), and a
// bounded nesting depth. Error messages name a byte offset, never the input's bytes.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace rspf {

inline constexpr std::size_t kMaxJsonDepth = 64;

// Throws Error(code, "<what> is not valid JSON: <reason>").
nlohmann::json parseStrictJson(std::string_view text, std::string_view what = "the JSON document",
                               ErrorCode code = ErrorCode::BadRequest);

// The same checks; a discarded value (is_discarded()) instead of an exception, as
// nlohmann::json::parse(text, nullptr, false) answers.
nlohmann::json parseStrictJsonOrDiscarded(std::string_view text);

}  // namespace rspf
