#include "ca/csr_attributes.hpp"

#include "ca/der_writer.hpp"
#include "ca/general_names.hpp"
#include "ca/openssl_objects.hpp"

namespace rspf::ca {
namespace {

constexpr const char* kChallengePassword = "1.2.840.113549.1.9.7";  // RFC 2985
constexpr const char* kExtensionRequest = "1.2.840.113549.1.9.14";  // RFC 2985
constexpr const char* kEcPublicKey = "1.2.840.10045.2.1";           // RFC 5480
constexpr const char* kPrime256v1 = "1.2.840.10045.3.1.7";          // RFC 5480 secp256r1
constexpr const char* kEcdsaWithSha256 = "1.2.840.10045.4.3.2";     // RFC 5758

void freeTypeStack(STACK_OF(ASN1_TYPE) * s) { sk_ASN1_TYPE_pop_free(s, ASN1_TYPE_free); }
using TypeStackPtr = OpenSslPtr<STACK_OF(ASN1_TYPE), freeTypeStack>;
using AttributePtr = OpenSslPtr<X509_ATTRIBUTE, X509_ATTRIBUTE_free>;

[[noreturn]] void malformed(const std::string& why) {
  takeOpenSslErrors();
  throw Error(ErrorCode::BadRequest, "the CSR attributes are malformed: " + why);
}

// The DER Extensions (SEQUENCE OF Extension) holding subjectAltName and extKeyUsage.
Bytes extensionsDer(const std::vector<SubjectAltName>& names, const std::vector<std::string>& ekus) {
  ExtensionStackPtr extensions(checkPtr(sk_X509_EXTENSION_new_null(), "sk_X509_EXTENSION_new_null"));
  STACK_OF(X509_EXTENSION)* raw = extensions.get();  // X509V3_add1_i2d appends to an existing stack
  if (!names.empty()) {
    auto gens = toGeneralNames(names);
    check(X509V3_add1_i2d(&raw, NID_subject_alt_name, gens.get(), 0, X509V3_ADD_DEFAULT), "X509V3_add1_i2d SAN");
  }
  if (!ekus.empty()) {
    ExtendedKeyUsagePtr usage(checkPtr(EXTENDED_KEY_USAGE_new(), "EXTENDED_KEY_USAGE_new"));
    for (const auto& oid : ekus) {
      auto object = objectFromDotted(oid);
      if (sk_ASN1_OBJECT_push(usage.get(), object.get()) <= 0)
        throwOpenSslError(ErrorCode::Internal, "sk_ASN1_OBJECT_push");
      object.release();
    }
    check(X509V3_add1_i2d(&raw, NID_ext_key_usage, usage.get(), 0, X509V3_ADD_DEFAULT), "X509V3_add1_i2d EKU");
  }
  return toDer(i2d_X509_EXTENSIONS, extensions.get(), "cannot encode the requested extensions");
}

std::string utf8Of(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  int length = ASN1_STRING_to_UTF8(&out, s);
  if (length < 0) malformed("the challengePassword is not a string");
  std::string text(reinterpret_cast<char*>(out), static_cast<std::size_t>(length));
  OPENSSL_clear_free(out, static_cast<std::size_t>(length));
  return text;
}

void readExtensionRequest(const ASN1_TYPE& value, CsrAttributes& out) {
  if (value.type != V_ASN1_SEQUENCE) malformed("the extensionRequest value is not Extensions");
  const unsigned char* p = ASN1_STRING_get0_data(value.value.sequence);
  ExtensionStackPtr extensions(d2i_X509_EXTENSIONS(nullptr, &p, ASN1_STRING_length(value.value.sequence)));
  if (!extensions) malformed("the extensionRequest value is not Extensions");
  for (int i = 0; i < sk_X509_EXTENSION_num(extensions.get()); ++i) {
    X509_EXTENSION* extension = sk_X509_EXTENSION_value(extensions.get(), i);
    int nid = OBJ_obj2nid(X509_EXTENSION_get_object(extension));
    if (nid == NID_subject_alt_name) {
      GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(extension)));
      if (!names) malformed("the requested subjectAltName does not parse");
      auto parsed = fromGeneralNames(names.get());
      out.subjectAltNames.insert(out.subjectAltNames.end(), parsed.begin(), parsed.end());
    } else if (nid == NID_ext_key_usage) {
      ExtendedKeyUsagePtr usages(static_cast<EXTENDED_KEY_USAGE*>(X509V3_EXT_d2i(extension)));
      if (!usages) malformed("the requested extendedKeyUsage does not parse");
      for (int j = 0; j < sk_ASN1_OBJECT_num(usages.get()); ++j)
        out.extendedKeyUsages.push_back(dottedOid(sk_ASN1_OBJECT_value(usages.get(), j)));
    }
  }
}

}  // namespace

Bytes buildCsrAttributes(const CsrAttributes& attributes) {
  std::vector<Bytes> items;
  if (attributes.challengePassword) {
    if (attributes.challengePassword->empty() || attributes.challengePassword->size() > 255)
      throw Error(ErrorCode::Internal, "a challengePassword must be 1 to 255 characters long (RFC 2985)");
    items.push_back(der::sequence(
        {der::objectIdentifier(kChallengePassword), der::set({der::utf8String(*attributes.challengePassword)})}));
  } else {
    items.push_back(der::objectIdentifier(kChallengePassword));
  }
  if (!attributes.subjectAltNames.empty() || !attributes.extendedKeyUsages.empty())
    items.push_back(
        der::sequence({der::objectIdentifier(kExtensionRequest),
                       der::set({extensionsDer(attributes.subjectAltNames, attributes.extendedKeyUsages)})}));
  items.push_back(der::sequence({der::objectIdentifier(kEcPublicKey), der::set({der::objectIdentifier(kPrime256v1)})}));
  items.push_back(der::objectIdentifier(kEcdsaWithSha256));
  return der::sequenceOf(items);
}

Bytes buildCsrAttributes(const std::optional<std::string>& challengePassword,
                         const std::vector<SubjectAltName>& subjectAltNames, const std::vector<KeyPurpose>& purposes) {
  CsrAttributes attributes{challengePassword, subjectAltNames, {}};
  for (auto p : purposes) attributes.extendedKeyUsages.emplace_back(oidOf(p));
  return buildCsrAttributes(attributes);
}

CsrAttributes parseCsrAttributes(crypto::ByteView der) {
  const unsigned char* p = der.data();
  TypeStackPtr items(d2i_ASN1_SEQUENCE_ANY(nullptr, &p, static_cast<long>(der.size())));
  if (!items || p != der.data() + der.size()) malformed("not a DER SEQUENCE OF AttrOrOID (RFC 7030 4.5.2)");
  CsrAttributes out;
  for (int i = 0; i < sk_ASN1_TYPE_num(items.get()); ++i) {
    const ASN1_TYPE* item = sk_ASN1_TYPE_value(items.get(), i);
    if (item->type == V_ASN1_OBJECT) {
      if (OBJ_obj2nid(item->value.object) == NID_pkcs9_challengePassword && !out.challengePassword)
        out.challengePassword = std::string();  // asked for, value of the client's choosing
      continue;
    }
    if (item->type != V_ASN1_SEQUENCE) malformed("an element is neither an OID nor an Attribute");
    const unsigned char* q = ASN1_STRING_get0_data(item->value.sequence);
    AttributePtr attribute(d2i_X509_ATTRIBUTE(nullptr, &q, ASN1_STRING_length(item->value.sequence)));
    if (!attribute) malformed("an element is neither an OID nor an Attribute");
    int nid = OBJ_obj2nid(X509_ATTRIBUTE_get0_object(attribute.get()));
    if (X509_ATTRIBUTE_count(attribute.get()) < 1) malformed("an Attribute has no value");
    const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attribute.get(), 0);
    if (nid == NID_pkcs9_challengePassword) {
      if (value->type != V_ASN1_UTF8STRING && value->type != V_ASN1_PRINTABLESTRING)
        malformed("the challengePassword value is not a string");
      out.challengePassword = utf8Of(value->value.asn1_string);
    } else if (nid == NID_ext_req) {
      readExtensionRequest(*value, out);
    }
  }
  return out;
}

}  // namespace rspf::ca
