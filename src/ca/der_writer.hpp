#pragma once
// The few DER constructions (X.690) the CA writes itself where OpenSSL has no type for them
// (RFC 7030 CsrAttrs).
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "crypto/secret_bytes.hpp"

namespace rspf::ca::der {

using crypto::Bytes;
using crypto::ByteView;

Bytes tlv(std::uint8_t tag, ByteView content);
Bytes sequence(std::initializer_list<ByteView> elements);
Bytes sequenceOf(const std::vector<Bytes>& elements);
Bytes set(std::initializer_list<ByteView> elements);  // one-element SETs only need no sorting
Bytes objectIdentifier(std::string_view dotted);      // via OpenSSL's OID encoder
Bytes utf8String(std::string_view text);

}  // namespace rspf::ca::der
