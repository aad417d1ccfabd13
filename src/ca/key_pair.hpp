#pragma once
// EC P-256 key pairs, the only keys the certificate frameworks use (TS-0003 10.1.1.1: id-ecPublicKey
// on secp256r1, uncompressed points; PROTOCOL.md 2).
#include <string_view>

#include "ca/openssl_objects.hpp"
#include "crypto/secret_bytes.hpp"

namespace rspf::ca {

EvpPkeyPtr generateP256Key();

bool isP256(const EVP_PKEY& key);
// Throws Error(BadRequest): "<what> must be an EC P-256 key (TS-0003 10.1.1.1); got RSA 2048 bits".
void requireP256(const EVP_PKEY& key, std::string_view what);

// SubjectPublicKeyInfo DER of the public half.
Bytes subjectPublicKeyInfoDer(const EVP_PKEY& key);
EvpPkeyPtr publicKeyFromSpkiDer(ByteView der);  // throws BadRequest

// PKCS#8 PrivateKeyInfo DER, in a buffer that wipes itself; and back (throws BadRequest).
crypto::SecretBytes privateKeyPkcs8Der(const EVP_PKEY& key);
EvpPkeyPtr privateKeyFromPkcs8Der(ByteView der);

// "EC P-256", "EC P-384", "RSA 2048 bits", ... for messages.
std::string describeKey(const EVP_PKEY& key);

}  // namespace rspf::ca
