#include "ca/serial_number.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>

namespace rspf::ca {

Bytes randomSerialNumber() {
  Bytes serial(kSerialNumberSize);
  if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1)
    throwOpenSslError(ErrorCode::Internal, "the random number generator failed");
  serial[0] = static_cast<std::uint8_t>((serial[0] & 0x7f) | 0x40);
  return serial;
}

Asn1IntegerPtr toAsn1Integer(ByteView serial) {
  BignumPtr bn(checkPtr(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr), "BN_bin2bn"));
  return Asn1IntegerPtr(checkPtr(BN_to_ASN1_INTEGER(bn.get(), nullptr), "BN_to_ASN1_INTEGER"));
}

std::string serialHex(const ASN1_INTEGER& serial) {
  BignumPtr bn(checkPtr(ASN1_INTEGER_to_BN(&serial, nullptr), "ASN1_INTEGER_to_BN"));
  char* hex = checkPtr(BN_bn2hex(bn.get()), "BN_bn2hex");
  std::string text(hex);
  OPENSSL_free(hex);
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

Asn1IntegerPtr serialFromHex(std::string_view hex) {
  std::string text(hex);
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.erase(0, 2);
  bool valid = !text.empty() && text.size() <= 40 &&
               std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
  if (!valid)
    throw Error(ErrorCode::BadRequest,
                "serial number '" + std::string(hex.substr(0, 64)) + "' is not 1 to 40 hexadecimal digits");
  BIGNUM* raw = nullptr;
  if (BN_hex2bn(&raw, text.c_str()) == 0) throwOpenSslError(ErrorCode::BadRequest, "cannot read serial number " + text);
  BignumPtr bn(raw);
  return Asn1IntegerPtr(checkPtr(BN_to_ASN1_INTEGER(bn.get(), nullptr), "BN_to_ASN1_INTEGER"));
}

}  // namespace rspf::ca
