#include "crypto/http_digest.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include "crypto/encoding.hpp"

namespace rspf::crypto {
namespace {

EVP_MD* md5Algorithm() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "MD5", nullptr);
  if (md == nullptr) throw std::runtime_error("OpenSSL: MD5 is not available");
  return md;
}

std::string joined(std::initializer_list<std::string_view> parts) {
  std::string out;
  bool first = true;
  for (auto p : parts) {
    if (!first) out += ':';
    out += p;
    first = false;
  }
  return out;
}

}  // namespace

std::string md5Hex(ByteView data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md5Algorithm(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: MD5 failed");
  return toHex(ByteView(out, len));
}

std::string digestResponse(const DigestInputs& in) {
  // A1 = username:realm:password, the password being binary RES (RFC 3310 3.3).
  SecretBytes a1Prefix(asBytes(joined({in.username, in.realm, ""})));
  SecretBytes a1(a1Prefix.size() + in.password.size());
  std::copy(a1Prefix.view().begin(), a1Prefix.view().end(), a1.data());
  std::copy(in.password.begin(), in.password.end(), a1.data() + a1Prefix.size());
  std::string ha1 = md5Hex(a1.view());
  std::string a2 = joined({in.method, in.digestUri});
  if (in.qop == "auth-int") a2 += ":" + md5Hex(asBytes(in.entityBody));
  std::string ha2 = md5Hex(asBytes(a2));
  std::string kd = joined({ha1, in.nonce, in.nonceCount, in.cnonce, in.qop, ha2});
  wipe(ha1.data(), ha1.size());
  std::string result = md5Hex(asBytes(kd));
  wipe(kd.data(), kd.size());
  return result;
}

std::string digestResponseAuth(DigestInputs in) {
  in.method = "";
  return digestResponse(in);
}

}  // namespace rspf::crypto
