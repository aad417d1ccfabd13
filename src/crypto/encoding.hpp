#pragma once
// Hex and base64 (RFC 4648) encodings. Decoders return nullopt on malformed input.
#include <optional>
#include <string>
#include <string_view>

#include "crypto/secret_bytes.hpp"

namespace rspf::crypto {

std::string toHex(ByteView bytes);  // lowercase
std::optional<Bytes> fromHex(std::string_view hex);
std::string toBase64(ByteView bytes);
std::optional<Bytes> fromBase64(std::string_view text);
std::string toBase64Url(ByteView bytes);                    // no padding
std::optional<Bytes> fromBase64Url(std::string_view text);  // unpadded base64url only
// EST's base64 bodies (RFC 7030 4): lines of 64 characters ending CRLF; decoding skips whitespace
// and throws Error(BadRequest) "<what> is not valid base64" for anything else (or nothing).
std::string estBase64Encode(ByteView der);
Bytes estBase64Decode(std::string_view body, std::string_view what);

}  // namespace rspf::crypto
