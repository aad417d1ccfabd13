#include "transport/coaps/coap_request.hpp"

#include "common/error.hpp"
#include "transport/coaps/coap_codec.hpp"
#include "transport/coaps/libcoap_support.hpp"

namespace rspf::transport::coap {

Method methodOfCode(coap_pdu_code_t code) {
  switch (code) {
    case COAP_REQUEST_CODE_GET: return Method::Get;
    case COAP_REQUEST_CODE_POST: return Method::Post;
    case COAP_REQUEST_CODE_PUT: return Method::Put;
    case COAP_REQUEST_CODE_DELETE: return Method::Delete;
    default: return Method::Other;
  }
}

std::string targetOf(const coap_pdu_t* pdu, const coap_string_t* query) {
  std::string target = "/";
  if (coap_string_t* path = coap_get_uri_path(pdu)) {
    target += std::string(reinterpret_cast<const char*>(path->s), path->length);
    coap_delete_string(path);
  }
  if (query != nullptr && query->length > 0)
    target += "?" + std::string(reinterpret_cast<const char*>(query->s), query->length);
  return target;
}

std::optional<std::size_t> readBodyAndOptions(const coap_pdu_t* pdu, std::size_t maxBodyBytes, Request& request) {
  std::size_t length = 0, offset = 0, total = 0;
  const std::uint8_t* data = nullptr;
  std::string body;
  if (coap_get_data_large(pdu, &length, &data, &offset, &total) != 0) {
    if (offset != 0) return offset;
    if (total > maxBodyBytes || length > maxBodyBytes)
      throw Error(ErrorCode::PayloadTooLarge, "request body exceeds " + std::to_string(maxBodyBytes) + " bytes");
    body.assign(reinterpret_cast<const char*>(data), length);
  }
  bool present = false;
  auto format = optionValue(pdu, kOptionContentFormat, present);
  std::optional<ContentFormat> contentFormat;
  if (present) {
    auto number = decodeUint(format);
    if (!number || *number > 0xFFFF) throw Error(ErrorCode::BadRequest, "malformed Content-Format option");
    contentFormat = contentFormatOfNumber(static_cast<std::uint16_t>(*number));
  }
  request.body = std::move(body);
  request.contentFormat = contentFormat;
  request.originator = optionValue(pdu, kOptionOneM2MFrom, present);
  return std::nullopt;
}

}  // namespace rspf::transport::coap
