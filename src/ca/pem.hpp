#pragma once
// Loading and saving certificates and keys (PEM or DER), and the base64 bodies EST uses
// (RFC 7030 4.1.3 / 4.2.3: base64 of the DER, no PEM header; line breaks allowed on input).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ca/openssl_objects.hpp"
#include "crypto/encoding.hpp"

namespace rspf::ca {

// A certificate from DER or PEM (detected by "-----BEGIN"). Throws Error(BadRequest).
X509Ptr parseCertificate(ByteView derOrPem);
// Every certificate of a PEM bundle, or the one certificate of a DER blob. Throws if there is none.
std::vector<X509Ptr> parseCertificates(ByteView derOrPem);
Bytes certificateDer(const X509& certificate);
std::string certificatePem(const X509& certificate);
std::string crlPem(ByteView crlDer);  // "-----BEGIN X509 CRL-----"
X509Ptr duplicate(const X509& certificate);

// Files: Error(Config) names the file when it cannot be read or parsed.
X509Ptr loadCertificateFile(const std::filesystem::path& file);
std::vector<X509Ptr> loadCertificatesFile(const std::filesystem::path& file);
// A trust store holding the certificates of a PEM file. Throws Error(Config).
X509StorePtr loadTrustStoreFile(const std::filesystem::path& file);
// Writes the certificates as PEM (replacing the file; certificates are public).
void saveCertificatesPemFile(const std::filesystem::path& file, const std::vector<const X509*>& certificates);

// A private key from PEM (PKCS#8 or traditional) or DER (PKCS#8). Throws Error(BadRequest).
EvpPkeyPtr parsePrivateKey(ByteView derOrPem);
// A public key from PEM ("PUBLIC KEY") or DER SubjectPublicKeyInfo.
EvpPkeyPtr parsePublicKey(ByteView derOrPem);
std::string publicKeyPem(const EVP_PKEY& key);
// Reads a private key file; refuses one that group or others can access (like common/key_file).
EvpPkeyPtr loadPrivateKeyFile(const std::filesystem::path& file);
// Creates `file` exclusively with mode 0600 holding the key as PKCS#8 PEM; buffers are wiped.
void savePrivateKeyPemFile(const std::filesystem::path& file, const EVP_PKEY& key);

// EST bodies: standard base64 (RFC 4648) of DER (crypto/encoding.hpp).
using crypto::estBase64Decode;
using crypto::estBase64Encode;

}  // namespace rspf::ca
