#include "cse_front/coap_mapping.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "common/error.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::cse_front::coap {
namespace {

// A oneM2M option and the TS-0009 header it maps to (TS-0008 6.2.2.4, TS-0009 6.4).
struct Mapped {
  std::uint16_t number;
  const char* header;
  bool isUint;
};
constexpr std::array<Mapped, 17> kMapped{{
    {option::kFrom, "X-M2M-Origin", false},
    {option::kRequestIdentifier, "X-M2M-RI", false},
    {option::kOriginatingTimestamp, "X-M2M-OT", false},
    {option::kRequestExpirationTimestamp, "X-M2M-RET", false},
    {option::kResultExpirationTimestamp, "X-M2M-RST", false},
    {option::kOperationExecutionTime, "X-M2M-OET", false},
    {option::kNotificationUri, "X-M2M-RTU", false},
    {option::kEventCategory, "X-M2M-EC", true},
    {option::kResponseStatusCode, "X-M2M-RSC", true},
    {option::kGroupRequestIdentifier, "X-M2M-GID", false},
    {option::kContentOffset, "X-M2M-CTO", true},
    {option::kContentStatus, "X-M2M-CTS", true},
    {option::kAssignedTokenIdentifiers, "X-M2M-ATI", false},
    {option::kReleaseVersionIndicator, "X-M2M-RVI", false},
    {option::kVendorInformation, "X-M2M-VSI", false},
    {option::kAuthorizationSignatures, "X-M2M-AS", false},
    {option::kAuthorizationSignatureRequestInformation, "X-M2M-ASRI", false},
}};

struct Format {
  std::uint16_t number;
  const char* mediaType;
};
constexpr std::array<Format, 16> kFormats{{
    {40, "application/link-format"},
    {41, "application/xml"},
    {50, "application/json"},
    {60, "application/cbor"},
    {10001, "application/vnd.onem2m-res+json"},
    {10002, "application/vnd.onem2m-ntfy+xml"},
    {10003, "application/vnd.onem2m-ntfy+json"},
    {10006, "application/vnd.onem2m-preq+xml"},
    {10007, "application/vnd.onem2m-preq+json"},
    {10008, "application/vnd.onem2m-prsp+xml"},
    {10009, "application/vnd.onem2m-prsp+json"},
    {10010, "application/vnd.onem2m-res+cbor"},
    {10011, "application/vnd.onem2m-ntfy+cbor"},
    {10012, "application/vnd.onem2m-preq+cbor"},
    {10013, "application/vnd.onem2m-prsp+cbor"},
    {10014, "application/vnd.onem2m-res+xml"},
}};

// Options the front handles or may ignore: the URI (its own), the block-wise transfer the
// listener has assembled, and caching hints.
bool handledElsewhere(std::uint16_t n) {
  return n == option::kUriHost || n == option::kUriPort || n == option::kUriPath || n == option::kUriQuery ||
         n == option::kContentFormat || n == option::kAccept || n == option::kResourceType || n == option::kBlock1 ||
         n == option::kBlock2 || n == option::kSize1 || n == option::kSize2;
}

bool critical(std::uint16_t n) { return (n & 1) != 0; }  // RFC 7252 5.4.6

// RFC 3986 pchar / query characters stay; everything else is percent-encoded.
std::string percentEncode(std::string_view text, std::string_view alsoKeep) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool keep = std::isalnum(c) ||
                std::string_view("-._~!$'()*+,;:@").find(static_cast<char>(c)) != std::string_view::npos ||
                alsoKeep.find(static_cast<char>(c)) != std::string_view::npos;
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string percentDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() + 0 && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      unsigned v = 0;
      std::from_chars(text.data() + i + 1, text.data() + i + 3, v, 16);
      out += static_cast<char>(v);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::uint32_t requireUint(const Option& o) {
  auto v = decodeUint(o.value);
  if (!v) throw Error(ErrorCode::BadRequest, "CoAP option " + std::to_string(o.number) + " is not a uint");
  return *v;
}

std::string mediaTypeOrFail(std::uint16_t number, const char* what) {
  auto t = mediaTypeOf(number);
  if (!t) throw Error(ErrorCode::BadRequest, std::string(what) + " " + std::to_string(number) + " is not supported");
  return *t;
}

}  // namespace

std::optional<std::string> Message::option(std::uint16_t number) const {
  for (const auto& o : options)
    if (o.number == number) return o.value;
  return std::nullopt;
}

std::string encodeUint(std::uint32_t value) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    auto byte = static_cast<char>((value >> shift) & 0xff);
    if (out.empty() && byte == 0) continue;
    out += byte;
  }
  return out;
}

std::optional<std::uint32_t> decodeUint(std::string_view bytes) {
  if (bytes.size() > 4) return std::nullopt;
  std::uint32_t v = 0;
  for (unsigned char b : bytes) v = (v << 8) | b;
  return v;
}

std::optional<std::string> mediaTypeOf(std::uint16_t contentFormat) {
  for (const auto& f : kFormats)
    if (f.number == contentFormat) return std::string(f.mediaType);
  return std::nullopt;
}

std::optional<std::uint16_t> contentFormatOf(std::string_view mediaType) {
  auto bare = mediaType.substr(0, mediaType.find(';'));
  while (!bare.empty() && bare.back() == ' ') bare.remove_suffix(1);
  for (const auto& f : kFormats)
    if (crypto::equalsIgnoreCase(bare, f.mediaType)) return f.number;
  return std::nullopt;
}

std::optional<std::uint8_t> coapCodeOfResponseStatusCode(int rsc, std::uint8_t requestCode) {
  switch (rsc) {
    case 1001: return code(2, 1);
    case 1002: return code(2, 4);
    case 2000: return requestCode == 1 ? code(2, 5) : code(2, 4);
    case 2001: return code(2, 1);
    case 2002: return code(2, 2);
    case 2004: return code(2, 4);
    case 4001:
    case 4125:
    case 5001:
    case 5206: return code(5, 1);
    case 4004:
    case 4118:
    case 4119:
    case 4121:
    case 5103:
    case 5107:
    case 6003:
    case 6005: return code(4, 4);
    case 4005: return code(4, 5);
    case 4008:
    case 6030:
    case 6031: return code(5, 4);
    case 4015: return code(4, 15);
    case 4120:
    case 4122: return code(4, 2);
    case 5207: return code(4, 6);
    case 4000:
    case 4102:
    case 4104:
    case 4110:
    case 4123:
    case 4124:
    case 4143:
    case 5106:
    case 5219:
    case 5220:
    case 6010:
    case 6022:
    case 6023:
    case 6024:
    case 6028:
    case 6029: return code(4, 0);
    case 4101:
    case 4103:
    case 4105:
    case 4106:
    case 4107:
    case 4108:
    case 4109:
    case 4111:
    case 4112:
    case 4113:
    case 4114:
    case 4115:
    case 4116:
    case 4117:
    case 4126:
    case 4127:
    case 5105:
    case 5203:
    case 5205:
    case 5208:
    case 5214:
    case 5215:
    case 5218:
    case 5222: return code(4, 3);
    case 5000:
    case 5204:
    case 5209:
    case 5210:
    case 5211:
    case 5212:
    case 5216:
    case 5217:
    case 5221:
    case 6020:
    case 6021:
    case 6025:
    case 6026: return code(5, 0);
    default: return std::nullopt;
  }
}

std::uint8_t coapCodeOfHttpStatus(int status, std::uint8_t requestCode) {
  switch (status) {
    case 200: return requestCode == 1 ? code(2, 5) : requestCode == 4 ? code(2, 2) : code(2, 4);
    case 201: return code(2, 1);
    case 202: return code(2, 4);
    case 400: return code(4, 0);
    case 401: return code(4, 1);
    case 403: return code(4, 3);
    case 404: return code(4, 4);
    case 405: return code(4, 5);
    case 406: return code(4, 6);
    case 409: return code(4, 9);
    case 412: return code(4, 12);
    case 413: return code(4, 13);
    case 415: return code(4, 15);
    case 501: return code(5, 1);
    case 502: return code(5, 2);
    case 503: return code(5, 3);
    case 504: return code(5, 4);
    default: return status >= 500 ? code(5, 0) : status >= 400 ? code(4, 0) : code(2, 5);
  }
}

transport::HttpRequest toHttpRequest(const Message& request) {
  transport::HttpRequest http;
  switch (request.code) {
    case 1: http.method = "GET"; break;
    case 2: http.method = "POST"; break;
    case 3: http.method = "PUT"; break;
    case 4: http.method = "DELETE"; break;
    default:
      throw Error(ErrorCode::BadRequest,
                  "CoAP method code " + std::to_string(request.code) + " is not a oneM2M operation");
  }
  std::string path, query;
  std::optional<std::string> mediaType, accept, resourceType;
  for (const auto& o : request.options) {
    if (o.number == option::kUriPath) {
      path += "/" + percentEncode(o.value, "");
    } else if (o.number == option::kUriQuery) {
      query += (query.empty() ? "?" : "&") + percentEncode(o.value, "=/?");
    } else if (o.number == option::kContentFormat) {
      mediaType = mediaTypeOrFail(static_cast<std::uint16_t>(requireUint(o)), "Content-Format");
    } else if (o.number == option::kAccept) {
      accept = mediaTypeOrFail(static_cast<std::uint16_t>(requireUint(o)), "Accept");
    } else if (o.number == option::kResourceType) {
      resourceType = std::to_string(requireUint(o));
    } else if (auto m =
                   std::find_if(kMapped.begin(), kMapped.end(), [&](const Mapped& x) { return x.number == o.number; });
               m != kMapped.end()) {
      http.headers.emplace_back(m->header, m->isUint ? std::to_string(requireUint(o)) : o.value);
    } else if (!handledElsewhere(o.number) && critical(o.number)) {
      throw Error(ErrorCode::BadRequest, "unrecognised critical CoAP option " + std::to_string(o.number));
    }
  }
  http.target = (path.empty() ? "/" : path) + query;
  if (resourceType && !mediaType) mediaType = "application/json";
  if (mediaType) http.headers.emplace_back("Content-Type", *mediaType + (resourceType ? ";ty=" + *resourceType : ""));
  if (accept) http.headers.emplace_back("Accept", *accept);
  http.body = request.payload;
  return http;
}

Message toCoapResponse(const transport::HttpResponse& response, std::uint8_t requestCode) {
  Message coap;
  std::optional<std::uint8_t> mapped;
  for (const auto& [name, value] : response.headers) {
    if (crypto::equalsIgnoreCase(name, "Content-Location")) {
      auto target = std::string_view(value);
      auto q = target.find('?');
      auto path = target.substr(0, q);
      for (std::size_t start = path.empty() || path[0] != '/' ? 0 : 1; start < path.size();) {
        auto end = std::min(path.find('/', start), path.size());
        coap.options.push_back({option::kLocationPath, percentDecode(path.substr(start, end - start))});
        start = end + 1;
      }
      if (q != std::string_view::npos) {
        auto rest = target.substr(q + 1);
        for (std::size_t start = 0; start < rest.size();) {
          auto end = std::min(rest.find('&', start), rest.size());
          coap.options.push_back({option::kLocationQuery, percentDecode(rest.substr(start, end - start))});
          start = end + 1;
        }
      }
      continue;
    }
    auto m = std::find_if(kMapped.begin(), kMapped.end(), [&header = name](const Mapped& x) {
      return crypto::equalsIgnoreCase(header, x.header);  // (clang 14 cannot capture a structured binding)
    });
    if (m == kMapped.end()) continue;
    if (m->isUint) {
      std::uint32_t v = 0;
      auto r = std::from_chars(value.data(), value.data() + value.size(), v);
      if (r.ec != std::errc() || r.ptr != value.data() + value.size()) continue;  // not a number: not passed
      coap.options.push_back({m->number, encodeUint(v)});
      if (m->number == option::kResponseStatusCode)
        mapped = coapCodeOfResponseStatusCode(static_cast<int>(v), requestCode);
    } else {
      coap.options.push_back({m->number, value});
    }
  }
  coap.code = mapped ? *mapped : coapCodeOfHttpStatus(response.status, requestCode);
  if (!response.body.empty()) {
    if (auto format = contentFormatOf(response.contentType))
      coap.options.push_back({option::kContentFormat, encodeUint(*format)});
  }
  std::stable_sort(coap.options.begin(), coap.options.end(),
                   [](const Option& a, const Option& b) { return a.number < b.number; });
  coap.payload = response.body;
  return coap;
}

}  // namespace rspf::cse_front::coap
