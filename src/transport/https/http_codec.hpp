#pragma once
// The HTTPS binding's codec: HTTP requests and responses onto the neutral messages of
// transport/message.hpp and back (PROTOCOL.md 4). Header names, status numbers, Retry-After and
// Content-Transfer-Encoding live here and nowhere above.
#include <optional>
#include <string_view>

#include "common/error.hpp"

#include "transport/https/http_message.hpp"
#include "transport/message.hpp"

namespace rspf::transport {

inline constexpr const char* kPkcs7CertsOnlyMediaType = "application/pkcs7-mime; smime-type=certs-only";
inline constexpr const char* kCsrAttrsMediaType = "application/csrattrs";
inline constexpr const char* kPkcs10MediaType = "application/pkcs10";

std::string_view mediaTypeOf(ContentFormat format);
// By the media type's name (parameters after ';' ignored, except certs-only's smime-type).
ContentFormat contentFormatOfMediaType(std::string_view mediaType);

// The neutral request: method, target, originator (X-M2M-Origin, else From), Content-Type, and
// base64 as EST's transfer encoding (RFC 7030 4).
Request fromHttp(const HttpRequest& request);
// A refusal the peer answered (PROTOCOL.md 4: a 4xx/5xx status, {"Status": false, "ErrorString"}) as
// an Error with the status's code: "<what> refused (<status>): <ErrorString>".
[[noreturn]] void throwRefusal(const HttpResponse& response, std::string_view what);
ErrorCode errorCodeOfStatus(int status);

// The client side: a neutral request as HTTP (X-M2M-Origin, Content-Type, EST bodies in base64), and
// the server's answer as a neutral response (a 4xx/5xx throws as throwRefusal does; Retry-After of
// a 202, 10 s when absent or unreadable; base64 EST bodies decoded).
HttpRequest toHttpRequest(const Request& request);
Response fromHttpResponse(HttpResponse response, std::string_view what);

// 200/201/202 (+ Retry-After); EST bodies base64 with Content-Transfer-Encoding (RFC 7030 4.1.3).
HttpResponse toHttp(Response response);

}  // namespace rspf::transport
