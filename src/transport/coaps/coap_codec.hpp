#pragma once
// The CoAPS binding's codec (PROTOCOL.md 7; RFC 7252 5.9, 12.3; TS-0008): response codes, Content-Format
// numbers and the oneM2M options, for the neutral messages of transport/message.hpp. Pure: no libcoap.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "transport/message.hpp"

namespace rspf::transport::coap {

// Option numbers (RFC 7252 12.2, RFC 7959 6, TS-0008 6.2.2).
inline constexpr std::uint16_t kOptionContentFormat = 12;
inline constexpr std::uint16_t kOptionMaxAge = 14;
inline constexpr std::uint16_t kOptionSize1 = 60;
inline constexpr std::uint16_t kOptionOneM2MFrom = 279;  // oneM2M-FR (PROTOCOL.md 7: 279 only)

// A response code as class * 32 + detail, the byte on the wire: 2.05 Content is 69.
constexpr std::uint8_t code(int cls, int detail) { return static_cast<std::uint8_t>(cls * 32 + detail); }
std::string codeText(std::uint8_t c);  // "2.05"

// PROTOCOL.md 7: 200 -> 2.05 (GET) / 2.04 (POST), 201 -> 2.01; Pending (RFC 7030 4.2.3) -> 5.03
// with Max-Age = the retry delay (as 503 is).
std::uint8_t codeOf(Status status, Method method);
// The refusal of an ErrorCode, as its HTTP status maps (400 -> 4.00 ... 503 -> 5.03, else 5.00).
std::uint8_t codeOf(ErrorCode error);

// Content-Format numbers (RFC 7252 12.3, RFC 9148 8.2).
std::uint16_t contentFormatNumber(ContentFormat format);  // Other: 42 (application/octet-stream)
ContentFormat contentFormatOfNumber(std::uint16_t number);

// The JSON refusal of PROTOCOL.md 4, the same as over HTTPS. Never throws.
std::string errorBody(std::string_view reason);

// RFC 7252 3.2 uint option values.
std::string encodeUint(std::uint32_t value);
// nullopt for more than 4 bytes.
std::optional<std::uint32_t> decodeUint(std::string_view bytes);

}  // namespace rspf::transport::coap
