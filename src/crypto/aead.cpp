#include "crypto/aead.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "crypto/primitives.hpp"

namespace rspf::crypto {
namespace {
constexpr std::size_t kNonceSize = 12;
constexpr std::size_t kTagSize = 16;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const EVP_CIPHER* aes256Gcm() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  if (cipher == nullptr) throw std::runtime_error("OpenSSL: AES-256-GCM is not available");
  return cipher;
}

void requireKey(const SecretBytes& key) {
  if (key.size() != kAeadKeySize) throw std::invalid_argument("AES-256-GCM key must be 32 bytes");
}
}  // namespace

Bytes aeadSeal(const SecretBytes& key, ByteView plaintext, std::string_view associatedData) {
  requireKey(key);
  Bytes out = randomBytes(kNonceSize);
  out.resize(kNonceSize + plaintext.size() + kTagSize);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto ad = asBytes(associatedData);
  if (!ctx || EVP_EncryptInit_ex2(ctx.get(), aes256Gcm(), key.data(), out.data(), nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, ad.data(), static_cast<int>(ad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data() + kNonceSize, &len, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceSize + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, out.data() + kNonceSize + plaintext.size()) != 1)
    throw std::runtime_error("OpenSSL: AES-256-GCM encryption failed");
  return out;
}

std::optional<SecretBytes> aeadOpen(const SecretBytes& key, ByteView sealed, std::string_view associatedData) {
  requireKey(key);
  if (sealed.size() < kNonceSize + kTagSize) return std::nullopt;
  const std::size_t textSize = sealed.size() - kNonceSize - kTagSize;
  SecretBytes out(textSize);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto ad = asBytes(associatedData);
  Bytes tag(sealed.end() - kTagSize, sealed.end());
  if (!ctx || EVP_DecryptInit_ex2(ctx.get(), aes256Gcm(), key.data(), sealed.data(), nullptr) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, ad.data(), static_cast<int>(ad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out.data(), &len, sealed.data() + kNonceSize, static_cast<int>(textSize)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) != 1)
    return std::nullopt;
  int finalLen = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &finalLen) != 1) return std::nullopt;
  return out;
}

}  // namespace rspf::crypto
