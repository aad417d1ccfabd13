#include "ca/key_pair.hpp"

#include <openssl/core_names.h>

#include <string>

namespace rspf::ca {
namespace {

std::string groupName(const EVP_PKEY& key) {
  char name[64] = {};
  size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(&key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &length) != 1) {
    takeOpenSslErrors();
    return {};
  }
  return std::string(name, length);
}

}  // namespace

EvpPkeyPtr generateP256Key() {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) throwOpenSslError(ErrorCode::Internal, "cannot generate an EC P-256 key");
  return key;
}

bool isP256(const EVP_PKEY& key) {
  if (EVP_PKEY_is_a(&key, "EC") != 1) return false;
  auto group = groupName(key);
  return group == "prime256v1" || group == "P-256" || group == "secp256r1";
}

std::string describeKey(const EVP_PKEY& key) {
  if (EVP_PKEY_is_a(&key, "EC") == 1) {
    auto group = groupName(key);
    if (group == "prime256v1") return "EC P-256";
    if (group == "secp384r1") return "EC P-384";
    if (group == "secp521r1") return "EC P-521";
    return "EC " + (group.empty() ? std::string("(explicit parameters)") : group);
  }
  const char* type = EVP_PKEY_get0_type_name(&key);
  std::string text = type != nullptr ? type : "an unknown key type";
  if (int bits = EVP_PKEY_get_bits(&key); bits > 0) text += " " + std::to_string(bits) + " bits";
  return text;
}

void requireP256(const EVP_PKEY& key, std::string_view what) {
  if (!isP256(key))
    throw Error(ErrorCode::BadRequest,
                std::string(what) + " must be an EC P-256 key (TS-0003 10.1.1.1); got " + describeKey(key));
}

Bytes subjectPublicKeyInfoDer(const EVP_PKEY& key) { return toDer(i2d_PUBKEY, &key, "cannot encode the public key"); }

EvpPkeyPtr publicKeyFromSpkiDer(ByteView der) {
  const unsigned char* p = der.data();
  EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!key || p != der.data() + der.size()) {
    takeOpenSslErrors();
    throw Error(ErrorCode::BadRequest, "not a DER SubjectPublicKeyInfo");
  }
  return key;
}

crypto::SecretBytes privateKeyPkcs8Der(const EVP_PKEY& key) {
  Pkcs8Ptr p8(EVP_PKEY2PKCS8(&key));
  if (!p8) throwOpenSslError(ErrorCode::Internal, "cannot encode the private key as PKCS#8");
  int length = i2d_PKCS8_PRIV_KEY_INFO(p8.get(), nullptr);
  if (length <= 0) throwOpenSslError(ErrorCode::Internal, "cannot encode the private key as PKCS#8");
  // Encoded straight into a buffer that wipes itself.
  crypto::SecretBytes out(static_cast<std::size_t>(length));
  unsigned char* p = out.data();
  if (i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &p) != length)
    throwOpenSslError(ErrorCode::Internal, "cannot encode the private key as PKCS#8");
  return out;
}

EvpPkeyPtr privateKeyFromPkcs8Der(ByteView der) {
  const unsigned char* p = der.data();
  Pkcs8Ptr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  if (!p8 || p != der.data() + der.size()) {
    takeOpenSslErrors();
    throw Error(ErrorCode::BadRequest, "not a DER PKCS#8 private key");
  }
  EvpPkeyPtr key(EVP_PKCS82PKEY(p8.get()));
  if (!key) {
    takeOpenSslErrors();
    throw Error(ErrorCode::BadRequest, "the PKCS#8 private key is not usable");
  }
  return key;
}

}  // namespace rspf::ca
