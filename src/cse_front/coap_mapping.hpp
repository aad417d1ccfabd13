#pragma once
// The CoAP binding (TS-0008) onto the HTTP binding (TS-0009) and back, so that a DTLS-PSK
// Enrolee's CoAP requests reach the CSE's HTTP binding through the same forwarder (issue 15 item
// 3). Pure functions over a neutral CoAP message (the options as numbers and bytes, as a CoAP
// codec gives them); the CoAPS listener assembles blocks (RFC 7959) before this.
//   request:  method code (TS-0008 table 6.2.1-1) -> HTTP method; Uri-Path / Uri-Query (6.2.2.3,
//             "~" and "_" first segments as in TS-0009's "/~" and "/_") -> request target;
//             oneM2M options (6.2.2.4, table 6.2.2.4.0-1) -> X-M2M-* headers; oneM2M-TY ->
//             Content-Type's ty= (TS-0009 6.4.3); Content-Format and Accept numbers (6.2.2.2)
//             -> media types. An unknown critical option is refused (RFC 7252 5.4.1).
//   response: X-M2M-RSC -> the CoAP response code of TS-0008 table 6.2.4-1 and the oneM2M-RSC
//             option; X-M2M-RI, X-M2M-RVI and the other response headers -> their options;
//             Content-Location -> Location-Path / Location-Query; Content-Type -> Content-Format.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "transport/https/http_message.hpp"

namespace rspf::cse_front::coap {

// RFC 7252 12.2 and TS-0008 table 6.2.2.4.0-1 (V3.9.0 numbers; oneM2M-FR 279 as PROTOCOL.md 7).
namespace option {
inline constexpr std::uint16_t kIfMatch = 1, kUriHost = 3, kEtag = 4, kIfNoneMatch = 5, kUriPort = 7, kLocationPath = 8,
                               kUriPath = 11, kContentFormat = 12, kMaxAge = 14, kUriQuery = 15, kAccept = 17,
                               kLocationQuery = 20, kBlock2 = 23, kBlock1 = 27, kSize2 = 28, kSize1 = 60;
inline constexpr std::uint16_t kFrom = 279, kRequestIdentifier = 283, kOriginatingTimestamp = 259,
                               kRequestExpirationTimestamp = 291, kResultExpirationTimestamp = 295,
                               kOperationExecutionTime = 299, kNotificationUri = 263, kEventCategory = 303,
                               kResponseStatusCode = 307, kGroupRequestIdentifier = 311, kResourceType = 267,
                               kContentOffset = 319, kContentStatus = 323, kAssignedTokenIdentifiers = 327,
                               kReleaseVersionIndicator = 271, kVendorInformation = 331,
                               kGroupRequestTargetMembers = 335, kAuthorizationSignatures = 339,
                               kAuthorizationSignatureRequestInformation = 275;
}  // namespace option

struct Option {
  std::uint16_t number = 0;
  std::string value;  // the option's bytes (uint options big-endian, RFC 7252 3.2)
  bool operator==(const Option&) const = default;
};

struct Message {
  std::uint8_t code = 0;  // class * 32 + detail: GET 1, POST 2, PUT 3, DELETE 4; 2.01 is 65
  std::vector<Option> options;
  std::string payload;
  std::optional<std::string> option(std::uint16_t number) const;  // the first
};

constexpr std::uint8_t code(int cls, int detail) { return static_cast<std::uint8_t>(cls * 32 + detail); }

std::string encodeUint(std::uint32_t value);                      // RFC 7252 3.2, shortest form
std::optional<std::uint32_t> decodeUint(std::string_view bytes);  // nullopt past 4 bytes

// TS-0008 6.2.2.2: the media type of a Content-Format number and back (nullopt if unknown).
std::optional<std::string> mediaTypeOf(std::uint16_t contentFormat);
std::optional<std::uint16_t> contentFormatOf(std::string_view mediaType);  // parameters ignored

// TS-0008 table 6.2.4-1; `requestCode` tells RETRIEVE (2.05) from NOTIFY/UPDATE (2.04) for 2000.
std::optional<std::uint8_t> coapCodeOfResponseStatusCode(int rsc, std::uint8_t requestCode);
// The code of an HTTP status without an X-M2M-RSC (the front's or a proxy's own answers).
std::uint8_t coapCodeOfHttpStatus(int status, std::uint8_t requestCode);

// Throws Error(BadRequest) for a method that is not a oneM2M one, an unknown critical option or a
// malformed uint option (the CoAPS binding answers 4.02 / 4.05 / 4.00).
transport::HttpRequest toHttpRequest(const Message& request);
Message toCoapResponse(const transport::HttpResponse& response, std::uint8_t requestCode);

}  // namespace rspf::cse_front::coap
