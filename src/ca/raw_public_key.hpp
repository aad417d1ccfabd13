#pragma once
// The identifier of a raw public key (RFC 7250) Enrolee: TS-0003 8.1.2.4 has the MEF registered with
// the Enrolee's public key; issue 3 names it by the RFC 6920 "ni" URI of the key:
//     ni:///sha-256;<base64url, no padding, of SHA-256 over the DER SubjectPublicKeyInfo>
// (RFC 6920 section 3 for the URI and its "sha-256" algorithm name; the hash input is the DER
// SubjectPublicKeyInfo, as in RFC 6920's public-key example, and as
// `openssl pkey -pubout -outform DER | openssl dgst -sha256 -binary` computes it).
#include <optional>
#include <string>
#include <string_view>

#include "ca/openssl_objects.hpp"

namespace rspf::ca {

std::string niIdentifier(const EVP_PKEY& publicKey);
std::string niIdentifierOfSpki(ByteView subjectPublicKeyInfoDer);

// "ni:" URI, any (or no) authority, algorithm "sha-256", 43 base64url characters, optional query;
// returns "ni:///sha-256;<value>" with the authority and query dropped (they do not name the key),
// or nullopt if the text is not such a URI.
std::optional<std::string> normalizeNiIdentifier(std::string_view text);

// Whether `publicKey` is the key `registeredNi` names. A malformed registration never matches.
bool matchesNiIdentifier(const EVP_PKEY& publicKey, std::string_view registeredNi);

}  // namespace rspf::ca
