#pragma once
// Binding-neutral requests and responses (ARCHITECTURE.md): what the MEF's route table and its
// procedures see, whichever binding carried them. Each binding's codec maps its wire onto these:
// HTTP (transport/https/http_codec.hpp: headers, status numbers, Retry-After,
// Content-Transfer-Encoding) and CoAP (options, response codes, Max-Age, Content-Format numbers).
// Refusals are not responses: a route throws rspf::Error and the codec answers with its code.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rspf::transport {

enum class Method { Get, Post, Put, Delete, Other };
std::string_view methodName(Method m);  // "GET", "POST", ...; "OTHER"

// The media types of PROTOCOL.md 4 and 7 (RFC 7030, RFC 9148).
enum class ContentFormat {
  Json,            // application/json (CoAP 50)
  Pkcs7CertsOnly,  // application/pkcs7-mime; smime-type=certs-only (CoAP 281)
  CsrAttrs,        // application/csrattrs (CoAP 285)
  Pkcs10,          // application/pkcs10 (CoAP 286)
  LinkFormat,      // application/link-format (CoAP 40, RFC 6690)
  PkixCrl,         // application/pkix-crl (RFC 5280; no CoAP number: the MEF's CRL is served over HTTPS)
  Other,           // something else was stated
};

// How a binding carries binary bodies: EST over HTTPS in base64 (RFC 7030 4), EST-coaps as DER
// (RFC 9148 3.2). JSON bodies are the same either way.
enum class TransferEncoding { Binary, Base64 };

struct Request {
  std::string scheme = "https";  // of the binding that carried it: "https", "coaps"
  Method method = Method::Get;
  std::string target;  // path and query, e.g. "/fetchCredentials/<KeId>/22"
  // The requester's identity: HTTP X-M2M-Origin (or From), CoAP oneM2M-FR (PROTOCOL.md 7).
  std::string originator;
  std::optional<ContentFormat> contentFormat;  // nullopt: the request stated none
  TransferEncoding transferEncoding = TransferEncoding::Binary;
  std::string body;
};

// A successful answer. `Changed` is a POST that changed state and returns a representation.
enum class Status { Ok, Created, Pending };

struct Response {
  Status status = Status::Ok;
  ContentFormat contentFormat = ContentFormat::Json;
  std::string body;  // binary for EST formats: the codec applies its binding's transfer encoding
  // Pending (a certificate request held, RFC 7030 4.2.3 / RFC 9148 4.6): ask again after this long.
  std::chrono::seconds retryAfter{0};
  // The body carries a secret (MEF Key Retrieval's credential): the binding wipes its copies of
  // it once it is written.
  bool secret = false;
};

Response jsonResponse(std::string body);

// The path of a request target split at '/', without the query: "/a/b?x" -> {"a", "b"}.
std::vector<std::string> pathSegments(std::string_view target);
// Throws Error(BadRequest) "<target> takes <method>" when the request uses another method.
void requireMethod(const Request& request, Method method);

}  // namespace rspf::transport
