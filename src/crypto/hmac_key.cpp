#include "crypto/hmac_key.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "crypto/primitives.hpp"

namespace rspf::crypto {
namespace {

EVP_MAC* hmacAlgorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) throw std::runtime_error("OpenSSL: HMAC is not available");
  return mac;
}

// A keyless HMAC-SHA-256 context, duplicated per key.
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

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

MacCtx keyedContext(ByteView key) {
  MacCtx ctx(EVP_MAC_CTX_dup(hmacTemplate()));
  if (!ctx || EVP_MAC_init(ctx.get(), key.data(), key.size(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: HMAC init failed");
  return ctx;
}

// Consumes a keyed context that has seen no data yet.
SecretBytes finish(EVP_MAC_CTX* ctx, std::initializer_list<ByteView> parts) {
  for (auto part : parts) {
    if (!part.empty() && EVP_MAC_update(ctx, part.data(), part.size()) != 1)
      throw std::runtime_error("OpenSSL: HMAC update failed");
  }
  SecretBytes out(kSha256Size);
  std::size_t len = 0;
  if (EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1 || len != kSha256Size)
    throw std::runtime_error("OpenSSL: HMAC final failed");
  return out;
}

}  // namespace

SecretBytes hmacSha256(ByteView key, std::initializer_list<ByteView> parts) {
  return finish(keyedContext(key).get(), parts);
}

HmacSha256Key::HmacSha256Key(ByteView key) : keyed_(keyedContext(key).release()) {}

HmacSha256Key::~HmacSha256Key() { EVP_MAC_CTX_free(keyed_); }

SecretBytes HmacSha256Key::mac(std::initializer_list<ByteView> parts) const {
  // The duplicate carries the keyed inner and outer digest states; nothing is re-keyed.
  MacCtx ctx(EVP_MAC_CTX_dup(keyed_));
  if (!ctx) throw std::runtime_error("OpenSSL: HMAC context copy failed");
  return finish(ctx.get(), parts);
}

}  // namespace rspf::crypto
