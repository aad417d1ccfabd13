#pragma once
// RAII owners for the libcrypto objects the CA uses, and the one way this folder reports an OpenSSL
// failure. Every OpenSSL object in src/ca lives in one of these.
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "common/error.hpp"
#include "crypto/secret_bytes.hpp"

namespace rspf::ca {

using crypto::Bytes;
using crypto::ByteView;

namespace detail {
template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
inline void freeExtensionStack(STACK_OF(X509_EXTENSION) * s) { sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free); }
inline void freeCertificateStack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
inline void freeObjectStack(STACK_OF(ASN1_OBJECT) * s) { sk_ASN1_OBJECT_pop_free(s, ASN1_OBJECT_free); }
}  // namespace detail

template <typename T, auto Free>
using OpenSslPtr = std::unique_ptr<T, detail::Deleter<Free>>;

using X509Ptr = OpenSslPtr<X509, X509_free>;
using X509ReqPtr = OpenSslPtr<X509_REQ, X509_REQ_free>;
using X509CrlPtr = OpenSslPtr<X509_CRL, X509_CRL_free>;
using X509RevokedPtr = OpenSslPtr<X509_REVOKED, X509_REVOKED_free>;
using X509NamePtr = OpenSslPtr<X509_NAME, X509_NAME_free>;
using X509ExtensionPtr = OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free>;
using X509StorePtr = OpenSslPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = OpenSslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using EvpPkeyPtr = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;
using EvpMdPtr = OpenSslPtr<EVP_MD, EVP_MD_free>;
using EvpMdCtxPtr = OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using BioPtr = OpenSslPtr<BIO, BIO_free_all>;
using BignumPtr = OpenSslPtr<BIGNUM, BN_free>;
using Asn1IntegerPtr = OpenSslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1ObjectPtr = OpenSslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;
using Asn1TimePtr = OpenSslPtr<ASN1_TIME, ASN1_TIME_free>;
using Asn1OctetStringPtr = OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using GeneralNamePtr = OpenSslPtr<GENERAL_NAME, GENERAL_NAME_free>;
using GeneralNamesPtr = OpenSslPtr<GENERAL_NAMES, GENERAL_NAMES_free>;
using GeneralSubtreePtr = OpenSslPtr<GENERAL_SUBTREE, GENERAL_SUBTREE_free>;
using NameConstraintsPtr = OpenSslPtr<NAME_CONSTRAINTS, NAME_CONSTRAINTS_free>;
using BasicConstraintsPtr = OpenSslPtr<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free>;
using ExtendedKeyUsagePtr = OpenSslPtr<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free>;
using Pkcs7Ptr = OpenSslPtr<PKCS7, PKCS7_free>;
using Pkcs8Ptr = OpenSslPtr<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;
using ExtensionStackPtr = OpenSslPtr<STACK_OF(X509_EXTENSION), detail::freeExtensionStack>;
using CertificateStackPtr = OpenSslPtr<STACK_OF(X509), detail::freeCertificateStack>;
using ObjectStackPtr = OpenSslPtr<STACK_OF(ASN1_OBJECT), detail::freeObjectStack>;

// Throws Error(code) with "<what>: <OpenSSL error queue>" (the queue is drained either way).
[[noreturn]] void throwOpenSslError(ErrorCode code, const std::string& what);
// Drains the thread's OpenSSL error queue into one line ("" when empty).
std::string takeOpenSslErrors();

// Guards for calls that return 1 (or a non-null pointer) on success: an Internal error otherwise.
inline void check(int ok, const char* what) {
  if (ok != 1) throwOpenSslError(ErrorCode::Internal, what);
}
template <typename T>
T* checkPtr(T* p, const char* what) {
  if (p == nullptr) throwOpenSslError(ErrorCode::Internal, what);
  return p;
}

// DER encoding with any OpenSSL i2d function (i2d_X509, i2d_PUBKEY, ...).
template <typename T, typename I2d>
Bytes toDer(I2d i2d, T* object, const char* what) {
  int length = i2d(object, nullptr);
  if (length <= 0) throwOpenSslError(ErrorCode::Internal, what);
  Bytes out(static_cast<std::size_t>(length));
  unsigned char* p = out.data();
  if (i2d(object, &p) != length) throwOpenSslError(ErrorCode::Internal, what);
  return out;
}

// The SHA-256 digest object, fetched once per process (PITFALLS: fetch algorithms once).
const EVP_MD* sha256Digest();

}  // namespace rspf::ca
