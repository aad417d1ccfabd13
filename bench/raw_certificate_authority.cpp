#include "raw_certificate_authority.hpp"

#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <stdexcept>
#include <vector>

#include "raw_tls.hpp"

namespace rspf::bench {
namespace {

using NamePtr = std::unique_ptr<X509_NAME, decltype(&X509_NAME_free)>;

void check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("raw CA: ") + what + ": " + openSslErrors());
}

void addExtension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (extension == nullptr) throw std::runtime_error("raw CA: extension: " + openSslErrors());
  const int added = X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
  check(added, "X509_add_ext");
}

ca::EvpPkeyPtr newP256Key() {
  ca::EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) throw std::runtime_error("raw CA: EVP_EC_gen: " + openSslErrors());
  return key;
}

std::string base64(const std::vector<unsigned char>& der) {
  std::string out(4 * ((der.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), der.data(), static_cast<int>(der.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::vector<unsigned char> unbase64(std::string_view text) {
  std::string compact;
  for (char c : text)
    if (c != '\r' && c != '\n' && c != ' ') compact.push_back(c);
  std::vector<unsigned char> out(3 * (compact.size() / 4) + 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(compact.data()),
                                static_cast<int>(compact.size()));
  if (n < 0 || compact.size() % 4 != 0) throw std::runtime_error("raw CA: the CSR is not base64");
  std::size_t padding =
      compact.empty() ? 0 : (compact.back() == '=') + (compact.size() > 1 && compact.end()[-2] == '=');
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

}  // namespace

RawCertificateAuthority::RawCertificateAuthority() : key_(newP256Key()) {
  NamePtr name(X509_NAME_new(), X509_NAME_free);
  check(X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("raw baseline CA"), -1, -1, 0),
        "CA name");
  certificate_ = sign(name.get(), *key_, nullptr, true);
}

ca::X509Ptr RawCertificateAuthority::sign(X509_NAME* subject, EVP_PKEY& subjectKey,
                                          STACK_OF(X509_EXTENSION) * requested, bool isCa) const {
  ca::X509Ptr c(X509_new());
  if (!c) throw std::runtime_error("raw CA: X509_new: " + openSslErrors());
  unsigned char serial[16];
  check(RAND_bytes(serial, sizeof serial), "serial");
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  ASN1_INTEGER* asn1Serial = BN_to_ASN1_INTEGER(bn, nullptr);
  BN_free(bn);
  const int serialSet = asn1Serial != nullptr ? X509_set_serialNumber(c.get(), asn1Serial) : 0;
  ASN1_INTEGER_free(asn1Serial);
  check(serialSet, "serial number");
  X509* issuer = isCa ? c.get() : certificate_.get();
  check(X509_set_version(c.get(), 2), "version");
  check(X509_set_subject_name(c.get(), subject), "subject");
  check(X509_set_issuer_name(c.get(), X509_get_subject_name(issuer)), "issuer");
  check(X509_gmtime_adj(X509_getm_notBefore(c.get()), -300) != nullptr, "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(c.get()), isCa ? 365L * 86400 : 30L * 86400) != nullptr, "notAfter");
  check(X509_set_pubkey(c.get(), &subjectKey), "public key");
  addExtension(c.get(), issuer, NID_basic_constraints, isCa ? "critical,CA:TRUE" : "critical,CA:FALSE");
  addExtension(c.get(), issuer, NID_key_usage, isCa ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  addExtension(c.get(), issuer, NID_subject_key_identifier, "hash");
  if (!isCa) {
    addExtension(c.get(), issuer, NID_authority_key_identifier, "keyid");
    addExtension(c.get(), issuer, NID_ext_key_usage, "serverAuth,clientAuth");
  }
  for (int i = 0; requested != nullptr && i < sk_X509_EXTENSION_num(requested); ++i)
    check(X509_add_ext(c.get(), sk_X509_EXTENSION_value(requested, i), -1), "requested extension");
  check(X509_sign(c.get(), key_.get(), EVP_sha256()) > 0, "X509_sign");
  return c;
}

ca::X509Ptr RawCertificateAuthority::issue(EVP_PKEY& subjectKey, const std::string& commonName) const {
  NamePtr name(X509_NAME_new(), X509_NAME_free);
  check(X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1, 0),
        "name");
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, ("DNS:" + commonName).c_str());
  if (san == nullptr) throw std::runtime_error("raw CA: subjectAltName: " + openSslErrors());
  STACK_OF(X509_EXTENSION)* extensions = sk_X509_EXTENSION_new_null();
  sk_X509_EXTENSION_push(extensions, san);
  auto issued = sign(name.get(), subjectKey, extensions, false);
  sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
  return issued;
}

std::string RawCertificateAuthority::simpleEnroll(std::string_view base64Csr) const {
  const auto der = unbase64(base64Csr);
  const unsigned char* p = der.data();
  ca::X509ReqPtr csr(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
  if (!csr) throw std::runtime_error("raw CA: not a PKCS#10 request: " + openSslErrors());
  EVP_PKEY* subjectKey = X509_REQ_get0_pubkey(csr.get());
  if (subjectKey == nullptr || X509_REQ_verify(csr.get(), subjectKey) != 1)
    throw std::runtime_error("raw CA: the CSR's signature does not verify");
  STACK_OF(X509_EXTENSION)* requested = X509_REQ_get_extensions(csr.get());
  auto issued = sign(X509_REQ_get_subject_name(csr.get()), *subjectKey, requested, false);
  sk_X509_EXTENSION_pop_free(requested, X509_EXTENSION_free);

  ca::Pkcs7Ptr p7(PKCS7_new());
  if (!p7 || PKCS7_set_type(p7.get(), NID_pkcs7_signed) != 1 || PKCS7_content_new(p7.get(), NID_pkcs7_data) != 1 ||
      PKCS7_add_certificate(p7.get(), issued.get()) != 1)
    throw std::runtime_error("raw CA: PKCS#7: " + openSslErrors());
  const int length = i2d_PKCS7(p7.get(), nullptr);
  if (length <= 0) throw std::runtime_error("raw CA: i2d_PKCS7: " + openSslErrors());
  std::vector<unsigned char> out(static_cast<std::size_t>(length));
  unsigned char* q = out.data();
  i2d_PKCS7(p7.get(), &q);
  return base64(out);
}

}  // namespace rspf::bench
