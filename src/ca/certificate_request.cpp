#include "ca/certificate_request.hpp"

#include "ca/general_names.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"

namespace rspf::ca {
namespace {

constexpr int kMaxChallengePasswordLength = 255;  // pkcs-9-ub-challengePassword, RFC 2985 A

[[noreturn]] void refuse(const std::string& why) {
  takeOpenSslErrors();
  throw Error(ErrorCode::BadRequest, "certificate signing request refused: " + why);
}

bool isDirectoryString(int type) {
  return type == V_ASN1_PRINTABLESTRING || type == V_ASN1_UTF8STRING || type == V_ASN1_T61STRING ||
         type == V_ASN1_BMPSTRING || type == V_ASN1_UNIVERSALSTRING;
}

// The text of a DirectoryString as UTF-8, in a buffer that wipes itself.
crypto::SecretBytes utf8Of(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  int length = ASN1_STRING_to_UTF8(&out, s);
  if (length < 0) refuse("the challengePassword is not a valid string");
  crypto::SecretBytes text(ByteView(out, static_cast<std::size_t>(length)));
  OPENSSL_clear_free(out, static_cast<std::size_t>(length));
  return text;
}

std::optional<crypto::SecretBytes> challengePasswordOf(const X509_REQ* req) {
  int index = X509_REQ_get_attr_by_NID(req, NID_pkcs9_challengePassword, -1);
  if (index < 0) return std::nullopt;
  if (X509_REQ_get_attr_by_NID(req, NID_pkcs9_challengePassword, index) >= 0)
    refuse("it carries more than one challengePassword attribute");
  X509_ATTRIBUTE* attribute = X509_REQ_get_attr(req, index);
  if (X509_ATTRIBUTE_count(attribute) != 1) refuse("its challengePassword attribute must hold exactly one value");
  ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attribute, 0);
  if (value == nullptr || !isDirectoryString(value->type))
    refuse("its challengePassword is not a DirectoryString (RFC 2985 5.4.1)");
  auto text = utf8Of(value->value.asn1_string);
  if (text.empty() || text.size() > kMaxChallengePasswordLength)
    refuse("its challengePassword must be 1 to 255 characters long");
  return text;
}

std::optional<std::string> commonNameOf(const X509_REQ* req) {
  X509_NAME* subject = X509_REQ_get_subject_name(req);
  int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0) return std::nullopt;
  unsigned char* out = nullptr;
  int length = ASN1_STRING_to_UTF8(&out, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index)));
  if (length < 0) {
    takeOpenSslErrors();
    return std::nullopt;
  }
  std::string text(reinterpret_cast<char*>(out), static_cast<std::size_t>(length));
  OPENSSL_free(out);
  return text;
}

}  // namespace

CertificateRequest::~CertificateRequest() = default;

CertificateRequest CertificateRequest::fromEstBody(std::string_view base64Body) {
  // Base64 inflates by 4/3: refuse an oversized body before decoding it.
  if (base64Body.size() > 2 * kMaxCertificateRequestSize)
    throw Error(ErrorCode::PayloadTooLarge,
                "the certificate signing request body is " + std::to_string(base64Body.size()) + " bytes; at most " +
                    std::to_string(kMaxCertificateRequestSize) + " bytes of DER are accepted");
  return fromDer(estBase64Decode(base64Body, "the certificate signing request body"));
}

CertificateRequest CertificateRequest::fromDer(ByteView der) {
  if (der.size() > kMaxCertificateRequestSize)
    throw Error(ErrorCode::PayloadTooLarge, "the certificate signing request is " + std::to_string(der.size()) +
                                                " bytes; at most " + std::to_string(kMaxCertificateRequestSize) +
                                                " are accepted");
  if (der.empty()) refuse("it is empty");

  const unsigned char* p = der.data();
  X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
  if (!req) refuse("it is not a DER PKCS#10 request (RFC 2986)");
  if (p != der.data() + der.size()) refuse("it has trailing bytes after the PKCS#10 structure");
  if (X509_REQ_get_version(req.get()) != X509_REQ_VERSION_1) refuse("its version is not v1 (RFC 2986)");

  CertificateRequest request;
  request.der_.assign(der.begin(), der.end());

  EVP_PKEY* key = X509_REQ_get_pubkey(req.get());  // a new reference
  if (key == nullptr) refuse("its public key is malformed or of an unsupported type");
  request.publicKey_.reset(key);
  try {
    requireP256(*key, "the CSR's public key");
  } catch (const Error& e) {
    refuse(e.what());
  }
  // 10.1.1.1: "The public key format shall be uncompressed".
  const unsigned char* point = nullptr;
  int pointLength = 0;
  if (X509_PUBKEY_get0_param(nullptr, &point, &pointLength, nullptr, X509_REQ_get_X509_PUBKEY(req.get())) != 1 ||
      pointLength != 65 || point[0] != 0x04)
    refuse("its public key point must be uncompressed (TS-0003 10.1.1.1)");

  int signatureNid = X509_REQ_get_signature_nid(req.get());
  if (signatureNid != NID_ecdsa_with_SHA256)
    refuse(std::string("it must be signed with ECDSA-SHA-256 (TS-0003 10.1.1.1), not ") +
           (signatureNid == NID_undef ? "an unknown algorithm" : OBJ_nid2sn(signatureNid)));
  // Proof of possession: the request is signed by the private key of the public key it carries.
  if (X509_REQ_verify(req.get(), key) != 1)
    refuse("its signature does not verify with its own public key (no proof of possession)");

  request.commonName_ = commonNameOf(req.get());
  request.challengePassword_ = challengePasswordOf(req.get());

  bool hasExtensionRequest = X509_REQ_get_attr_by_NID(req.get(), NID_ext_req, -1) >= 0 ||
                             X509_REQ_get_attr_by_NID(req.get(), NID_ms_ext_req, -1) >= 0;
  ExtensionStackPtr extensions(X509_REQ_get_extensions(req.get()));
  if (hasExtensionRequest && !extensions) refuse("its extensionRequest attribute is malformed (RFC 2985 5.4.2)");
  bool sawSubjectAltName = false;
  bool sawExtendedKeyUsage = false;
  for (int i = 0; extensions && i < sk_X509_EXTENSION_num(extensions.get()); ++i) {
    X509_EXTENSION* extension = sk_X509_EXTENSION_value(extensions.get(), i);
    int nid = OBJ_obj2nid(X509_EXTENSION_get_object(extension));
    if (nid == NID_subject_alt_name) {
      if (sawSubjectAltName) refuse("it requests subjectAltName twice");
      sawSubjectAltName = true;
      GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(extension)));
      if (!names) refuse("its requested subjectAltName is malformed");
      request.subjectAltNames_ = fromGeneralNames(names.get());
    } else if (nid == NID_ext_key_usage) {
      if (sawExtendedKeyUsage) refuse("it requests extendedKeyUsage twice");
      sawExtendedKeyUsage = true;
      ExtendedKeyUsagePtr usages(static_cast<EXTENDED_KEY_USAGE*>(X509V3_EXT_d2i(extension)));
      if (!usages) refuse("its requested extendedKeyUsage is malformed");
      for (int j = 0; j < sk_ASN1_OBJECT_num(usages.get()); ++j)
        request.extendedKeyUsages_.push_back(dottedOid(sk_ASN1_OBJECT_value(usages.get(), j)));
    }
  }
  takeOpenSslErrors();
  return request;
}

Bytes CertificateRequest::publicKeyDer() const { return subjectPublicKeyInfoDer(*publicKey_); }

bool CertificateRequest::challengePasswordMatches(std::string_view expected) const {
  if (!challengePassword_) return false;
  return crypto::constantTimeEqual(challengePassword_->view(), crypto::asBytes(expected));
}

}  // namespace rspf::ca
