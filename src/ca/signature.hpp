#pragma once
// ECDSA with SHA-256 over a message (the only signature the project makes outside X.509: Bootstrap
// Instruction Configuration bundles). Signatures are DER ECDSA-Sig-Value (RFC 3279 2.2.3).
#include "ca/openssl_objects.hpp"

namespace rspf::ca {

Bytes signSha256(const EVP_PKEY& privateKey, ByteView message);
// False when the signature is malformed or does not verify; never throws for a bad signature.
bool verifySha256(const EVP_PKEY& publicKey, ByteView message, ByteView signature);

// Whether two keys have the same public half.
bool samePublicKey(const EVP_PKEY& a, const EVP_PKEY& b);

}  // namespace rspf::ca
