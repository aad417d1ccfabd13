#include "transport/coaps/coap_codec.hpp"

#include <nlohmann/json.hpp>

namespace rspf::transport::coap {

std::string codeText(std::uint8_t c) {
  std::string detail = std::to_string(c & 0x1F);
  return std::to_string(c >> 5) + "." + (detail.size() < 2 ? "0" : "") + detail;
}

std::uint8_t codeOf(Status status, Method method) {
  switch (status) {
    case Status::Created: return code(2, 1);
    case Status::Pending: return code(5, 3);
    case Status::Ok: break;
  }
  return method == Method::Get ? code(2, 5) : code(2, 4);
}

std::uint8_t codeOf(ErrorCode error) {
  switch (httpStatusOf(error)) {
    case 400: return code(4, 0);
    case 401: return code(4, 1);
    case 403: return code(4, 3);
    case 404: return code(4, 4);
    case 405: return code(4, 5);
    case 409: return code(4, 9);
    case 413: return code(4, 13);
    case 415: return code(4, 15);
    case 503: return code(5, 3);
    default: return code(5, 0);
  }
}

std::uint16_t contentFormatNumber(ContentFormat format) {
  switch (format) {
    case ContentFormat::Json: return 50;
    case ContentFormat::Pkcs7CertsOnly: return 281;
    case ContentFormat::CsrAttrs: return 285;
    case ContentFormat::Pkcs10: return 286;
    case ContentFormat::LinkFormat: return 40;
    case ContentFormat::PkixCrl:
    case ContentFormat::Other: break;
  }
  return 42;
}

ContentFormat contentFormatOfNumber(std::uint16_t number) {
  switch (number) {
    case 50: return ContentFormat::Json;
    case 281: return ContentFormat::Pkcs7CertsOnly;
    case 285: return ContentFormat::CsrAttrs;
    case 286: return ContentFormat::Pkcs10;
    case 40: return ContentFormat::LinkFormat;
    default: return ContentFormat::Other;
  }
}

std::string errorBody(std::string_view reason) {
  try {
    return nlohmann::json{{"Status", false}, {"ErrorString", std::string(reason)}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (...) {
    return R"({"Status":false,"ErrorString":"internal error"})";
  }
}

std::string encodeUint(std::uint32_t value) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8)
    if (!out.empty() || ((value >> shift) & 0xFF) != 0) out += static_cast<char>((value >> shift) & 0xFF);
  return out;  // 0 is the empty string (RFC 7252 3.2)
}

std::optional<std::uint32_t> decodeUint(std::string_view bytes) {
  if (bytes.size() > 4) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

}  // namespace rspf::transport::coap
