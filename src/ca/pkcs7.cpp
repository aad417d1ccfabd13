#include "ca/pkcs7.hpp"

#include "ca/pem.hpp"

namespace rspf::ca {

Bytes certsOnlyPkcs7(const std::vector<Bytes>& certificatesDer) {
  Pkcs7Ptr p7(checkPtr(PKCS7_new(), "PKCS7_new"));
  // SignedData, version 1, no signers; the encapsulated content type is id-data with its content absent.
  check(PKCS7_set_type(p7.get(), NID_pkcs7_signed), "PKCS7_set_type");
  p7->d.sign->contents->type = OBJ_nid2obj(NID_pkcs7_data);
  for (const auto& der : certificatesDer) {
    auto cert = parseCertificate(der);
    check(PKCS7_add_certificate(p7.get(), cert.get()), "PKCS7_add_certificate");  // takes its own reference
  }
  return toDer(i2d_PKCS7, p7.get(), "cannot encode the PKCS#7 certs-only message");
}

std::string certsOnlyPkcs7Base64(const std::vector<Bytes>& certificatesDer) {
  return estBase64Encode(certsOnlyPkcs7(certificatesDer));
}

std::vector<Bytes> certificatesFromPkcs7(ByteView der) {
  const unsigned char* p = der.data();
  Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
  if (!p7 || p != der.data() + der.size() || !PKCS7_type_is_signed(p7.get()) || p7->d.sign == nullptr) {
    takeOpenSslErrors();
    throw Error(ErrorCode::BadRequest, "not a DER PKCS#7 certs-only message (RFC 7030 4.1.3)");
  }
  std::vector<Bytes> out;
  STACK_OF(X509)* certs = p7->d.sign->cert;
  for (int i = 0; certs != nullptr && i < sk_X509_num(certs); ++i)
    out.push_back(certificateDer(*sk_X509_value(certs, i)));
  if (out.empty()) throw Error(ErrorCode::BadRequest, "the PKCS#7 certs-only message holds no certificate");
  return out;
}

}  // namespace rspf::ca
