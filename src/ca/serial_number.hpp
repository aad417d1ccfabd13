#pragma once
// Certificate serial numbers (RFC 5280 4.1.2.2): positive, at most 20 octets, unique per CA. Ours are
// 16 random octets from RAND_bytes with the top bit cleared (positive) and the next one set (always
// 16 octets, so the hex form has a fixed length): 126 random bits, so collisions are negligible;
// the lead's store records each serial and can refuse a repeat.
#include <string>
#include <string_view>

#include "ca/openssl_objects.hpp"

namespace rspf::ca {

inline constexpr std::size_t kSerialNumberSize = 16;

Bytes randomSerialNumber();
Asn1IntegerPtr toAsn1Integer(ByteView serial);
// Lowercase hex, two digits per octet, no separators ("4f1c..."): `openssl x509 -serial` in lowercase.
std::string serialHex(const ASN1_INTEGER& serial);
// From hex (either case, optional "0x"); throws Error(BadRequest) naming the text.
Asn1IntegerPtr serialFromHex(std::string_view hex);

}  // namespace rspf::ca
