#include "ca/signature.hpp"

#include "ca/key_pair.hpp"

namespace rspf::ca {

Bytes signSha256(const EVP_PKEY& privateKey, ByteView message) {
  EvpMdCtxPtr ctx(checkPtr(EVP_MD_CTX_new(), "EVP_MD_CTX_new"));
  check(EVP_DigestSignInit(ctx.get(), nullptr, sha256Digest(), nullptr, const_cast<EVP_PKEY*>(&privateKey)),
        "EVP_DigestSignInit");
  std::size_t length = 0;
  check(EVP_DigestSign(ctx.get(), nullptr, &length, message.data(), message.size()), "EVP_DigestSign");
  Bytes signature(length);
  check(EVP_DigestSign(ctx.get(), signature.data(), &length, message.data(), message.size()), "EVP_DigestSign");
  signature.resize(length);
  return signature;
}

bool verifySha256(const EVP_PKEY& publicKey, ByteView message, ByteView signature) {
  EvpMdCtxPtr ctx(checkPtr(EVP_MD_CTX_new(), "EVP_MD_CTX_new"));
  check(EVP_DigestVerifyInit(ctx.get(), nullptr, sha256Digest(), nullptr, const_cast<EVP_PKEY*>(&publicKey)),
        "EVP_DigestVerifyInit");
  int ok = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size());
  if (ok != 1) takeOpenSslErrors();
  return ok == 1;
}

bool samePublicKey(const EVP_PKEY& a, const EVP_PKEY& b) {
  return subjectPublicKeyInfoDer(a) == subjectPublicKeyInfoDer(b);
}

}  // namespace rspf::ca
