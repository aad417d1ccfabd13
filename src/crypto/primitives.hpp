#pragma once
// Thin wrappers over OpenSSL 3: HMAC-SHA-256 (RFC 2104), SHA-256, a CSPRNG.
// Algorithms are fetched once per process (OpenSSL 3 is slow when they are looked up per call).
#include <initializer_list>

#include "crypto/secret_bytes.hpp"

namespace rspf::crypto {

inline constexpr std::size_t kSha256Size = 32;

// HMAC-SHA-256 over the concatenation of the given parts, keyed for this one call (for many MACs
// under one key, crypto::HmacSha256Key in hmac_key.hpp, where this is defined too).
SecretBytes hmacSha256(ByteView key, std::initializer_list<ByteView> parts);

Bytes sha256(ByteView data);

Bytes randomBytes(std::size_t count);
SecretBytes randomSecret(std::size_t count);

}  // namespace rspf::crypto
