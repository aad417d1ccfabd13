#include "crypto/primitives.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace rspf::crypto {
namespace {

EVP_MD* sha256Algorithm() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) throw std::runtime_error("OpenSSL: SHA-256 is not available");
  return md;
}

}  // namespace

Bytes sha256(ByteView data) {
  Bytes out(kSha256Size);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, sha256Algorithm(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: SHA-256 failed");
  return out;
}

Bytes randomBytes(std::size_t count) {
  Bytes out(count);
  if (count > 0 && RAND_bytes(out.data(), static_cast<int>(count)) != 1)
    throw std::runtime_error("OpenSSL: random generator failed");
  return out;
}

SecretBytes randomSecret(std::size_t count) {
  SecretBytes out(count);
  if (count > 0 && RAND_priv_bytes(out.data(), static_cast<int>(count)) != 1)
    throw std::runtime_error("OpenSSL: random generator failed");
  return out;
}

}  // namespace rspf::crypto
