#include "crypto/primitives.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace rspf::crypto {
namespace {

EVP_MAC* hmacAlgorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) throw std::runtime_error("OpenSSL: HMAC is not available");
  return mac;
}

// A keyless HMAC-SHA-256 context, duplicated per call.
const EVP_MAC_CTX* hmacTemplate() {
  static EVP_MAC_CTX* ctx = [] {
    EVP_MAC_CTX* c = EVP_MAC_CTX_new(hmacAlgorithm());
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (c == nullptr || EVP_MAC_CTX_set_params(c, params) != 1)
      throw std::runtime_error("OpenSSL: cannot set up HMAC-SHA-256");
    return c;
  }();
  return ctx;
}

EVP_MD* sha256Algorithm() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) throw std::runtime_error("OpenSSL: SHA-256 is not available");
  return md;
}

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

}  // namespace

SecretBytes hmacSha256(ByteView key, std::initializer_list<ByteView> parts) {
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_dup(hmacTemplate()));
  if (!ctx || EVP_MAC_init(ctx.get(), key.data(), key.size(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: HMAC init failed");
  for (auto part : parts) {
    if (!part.empty() && EVP_MAC_update(ctx.get(), part.data(), part.size()) != 1)
      throw std::runtime_error("OpenSSL: HMAC update failed");
  }
  SecretBytes out(kSha256Size);
  std::size_t len = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1 || len != kSha256Size)
    throw std::runtime_error("OpenSSL: HMAC final failed");
  return out;
}

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
