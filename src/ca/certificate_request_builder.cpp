#include "ca/certificate_request_builder.hpp"

#include "ca/general_names.hpp"
#include "ca/key_pair.hpp"

namespace rspf::ca {

Bytes buildCertificateRequest(const EVP_PKEY& privateKey, std::string_view commonName,
                              const CsrAttributes& attributes) {
  requireP256(privateKey, "the Enrolee key");
  // The request holds a reference to the key, and signing does not change it.
  auto* key = const_cast<EVP_PKEY*>(&privateKey);
  X509ReqPtr req(checkPtr(X509_REQ_new(), "X509_REQ_new"));
  check(X509_REQ_set_version(req.get(), X509_REQ_VERSION_1), "X509_REQ_set_version");
  X509NamePtr subject(checkPtr(X509_NAME_new(), "X509_NAME_new"));
  if (!commonName.empty() && X509_NAME_add_entry_by_txt(subject.get(), "CN", MBSTRING_UTF8,
                                                        reinterpret_cast<const unsigned char*>(commonName.data()),
                                                        static_cast<int>(commonName.size()), -1, 0) != 1)
    throwOpenSslError(ErrorCode::BadRequest, "the CSR common name is not valid");
  check(X509_REQ_set_subject_name(req.get(), subject.get()), "X509_REQ_set_subject_name");
  check(X509_REQ_set_pubkey(req.get(), key), "X509_REQ_set_pubkey");

  if (attributes.challengePassword && !attributes.challengePassword->empty() &&
      X509_REQ_add1_attr_by_NID(req.get(), NID_pkcs9_challengePassword, MBSTRING_UTF8,
                                reinterpret_cast<const unsigned char*>(attributes.challengePassword->data()),
                                static_cast<int>(attributes.challengePassword->size())) != 1)
    throwOpenSslError(ErrorCode::BadRequest, "cannot add the challengePassword");

  ExtensionStackPtr extensions(checkPtr(sk_X509_EXTENSION_new_null(), "sk_X509_EXTENSION_new_null"));
  STACK_OF(X509_EXTENSION)* raw = extensions.get();
  if (!attributes.subjectAltNames.empty()) {
    auto names = toGeneralNames(attributes.subjectAltNames);
    check(X509V3_add1_i2d(&raw, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT), "subjectAltName");
  }
  if (!attributes.extendedKeyUsages.empty()) {
    ExtendedKeyUsagePtr usage(checkPtr(EXTENDED_KEY_USAGE_new(), "EXTENDED_KEY_USAGE_new"));
    for (const auto& oid : attributes.extendedKeyUsages) {
      auto object = objectFromDotted(oid);
      if (sk_ASN1_OBJECT_push(usage.get(), object.get()) <= 0)
        throwOpenSslError(ErrorCode::Internal, "sk_ASN1_OBJECT_push");
      object.release();
    }
    check(X509V3_add1_i2d(&raw, NID_ext_key_usage, usage.get(), 0, X509V3_ADD_DEFAULT), "extKeyUsage");
  }
  if (sk_X509_EXTENSION_num(extensions.get()) > 0)
    check(X509_REQ_add_extensions(req.get(), extensions.get()), "X509_REQ_add_extensions");

  if (X509_REQ_sign(req.get(), key, sha256Digest()) <= 0) throwOpenSslError(ErrorCode::Internal, "cannot sign the CSR");
  return toDer(i2d_X509_REQ, req.get(), "cannot encode the CSR");
}

}  // namespace rspf::ca
