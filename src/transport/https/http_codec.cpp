#include "transport/https/http_codec.hpp"

#include "common/strict_json.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

#include "crypto/encoding.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::transport {
namespace {

bool startsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && crypto::equalsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

Method methodOf(std::string_view name) {
  if (name == "GET") return Method::Get;
  if (name == "POST") return Method::Post;
  if (name == "PUT") return Method::Put;
  if (name == "DELETE") return Method::Delete;
  return Method::Other;
}

bool isEstFormat(ContentFormat f) { return f == ContentFormat::Pkcs7CertsOnly || f == ContentFormat::CsrAttrs; }

}  // namespace

std::string_view mediaTypeOf(ContentFormat format) {
  switch (format) {
    case ContentFormat::Json: return "application/json";
    case ContentFormat::Pkcs7CertsOnly: return kPkcs7CertsOnlyMediaType;
    case ContentFormat::CsrAttrs: return kCsrAttrsMediaType;
    case ContentFormat::Pkcs10: return kPkcs10MediaType;
    case ContentFormat::LinkFormat: return "application/link-format";
    case ContentFormat::PkixCrl: return "application/pkix-crl";
    case ContentFormat::Other: break;
  }
  return "application/octet-stream";
}

ContentFormat contentFormatOfMediaType(std::string_view type) {
  if (startsWithIgnoreCase(type, "application/json")) return ContentFormat::Json;
  if (startsWithIgnoreCase(type, kPkcs10MediaType)) return ContentFormat::Pkcs10;
  if (startsWithIgnoreCase(type, kCsrAttrsMediaType)) return ContentFormat::CsrAttrs;
  if (startsWithIgnoreCase(type, "application/pkcs7-mime")) return ContentFormat::Pkcs7CertsOnly;
  if (startsWithIgnoreCase(type, "application/link-format")) return ContentFormat::LinkFormat;
  if (startsWithIgnoreCase(type, "application/pkix-crl")) return ContentFormat::PkixCrl;
  return ContentFormat::Other;
}

Request fromHttp(const HttpRequest& http) {
  Request r;
  r.scheme = "https";
  r.method = methodOf(http.method);
  r.target = http.target;
  r.originator = http.header("X-M2M-Origin").value_or(http.header("From").value_or(""));
  if (auto type = http.header("Content-Type")) r.contentFormat = contentFormatOfMediaType(*type);
  r.transferEncoding = TransferEncoding::Base64;
  r.body = http.body;
  return r;
}

ErrorCode errorCodeOfStatus(int status) {
  switch (status) {
    case 400: return ErrorCode::BadRequest;
    case 401: return ErrorCode::Unauthorized;
    case 403: return ErrorCode::Forbidden;
    case 404: return ErrorCode::NotFound;
    case 409: return ErrorCode::Conflict;
    case 413: return ErrorCode::PayloadTooLarge;
    case 503: return ErrorCode::Unavailable;
    default: return ErrorCode::Internal;
  }
}

void throwRefusal(const HttpResponse& response, std::string_view what) {
  auto body = parseStrictJsonOrDiscarded(response.body);
  std::string reason = body.is_object() && body.contains("ErrorString") && body["ErrorString"].is_string()
                           ? body["ErrorString"].get<std::string>()
                           : "no reason given";
  throw Error(errorCodeOfStatus(response.status),
              std::string(what) + " refused (" + std::to_string(response.status) + "): " + reason);
}

HttpRequest toHttpRequest(const Request& request) {
  HttpRequest http;
  http.method = std::string(methodName(request.method));
  http.target = request.target;
  if (!request.originator.empty()) http.headers.emplace_back("X-M2M-Origin", request.originator);
  if (request.contentFormat)
    http.headers.emplace_back("Content-Type", std::string(mediaTypeOf(*request.contentFormat)));
  if (request.contentFormat == ContentFormat::Pkcs10 && request.transferEncoding == TransferEncoding::Binary)
    http.body = crypto::estBase64Encode(crypto::asBytes(request.body));
  else
    http.body = request.body;
  return http;
}

Response fromHttpResponse(HttpResponse http, std::string_view what) {
  if (http.status != 200 && http.status != 201 && http.status != 202) throwRefusal(http, what);
  Response r;
  r.status = http.status == 201 ? Status::Created : http.status == 202 ? Status::Pending : Status::Ok;
  r.contentFormat = contentFormatOfMediaType(http.contentType);
  if (r.status == Status::Pending) {
    r.retryAfter = std::chrono::seconds(10);
    auto text = http.header("Retry-After").value_or("");
    long long seconds = 0;
    auto parsed = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (!text.empty() && parsed.ec == std::errc() && parsed.ptr == text.data() + text.size() && seconds >= 0 &&
        seconds <= 86400)
      r.retryAfter = std::chrono::seconds(seconds);
  }
  if (r.status == Status::Ok && isEstFormat(r.contentFormat)) {
    auto der = crypto::estBase64Decode(http.body, what);
    r.body.assign(der.begin(), der.end());
  } else {
    r.body = std::move(http.body);
  }
  return r;
}

HttpResponse toHttp(Response response) {
  HttpResponse r;
  r.status = response.status == Status::Created ? 201 : response.status == Status::Pending ? 202 : 200;
  r.contentType = std::string(mediaTypeOf(response.contentFormat));
  if (response.status == Status::Pending)
    r.headers.emplace_back("Retry-After", std::to_string(response.retryAfter.count()));
  if (response.status == Status::Ok && isEstFormat(response.contentFormat)) {
    r.headers.emplace_back("Content-Transfer-Encoding", "base64");
    r.body = crypto::estBase64Encode(crypto::asBytes(response.body));
  } else {
    r.body = std::move(response.body);
  }
  r.secret = response.secret;
  return r;
}

}  // namespace rspf::transport
