#include "ca/general_names.hpp"

#include <string>

namespace rspf::ca {
namespace {

Asn1OctetStringPtr ia5(const std::string& text) {
  Asn1OctetStringPtr s(checkPtr(ASN1_IA5STRING_new(), "ASN1_IA5STRING_new"));
  check(ASN1_STRING_set(s.get(), text.data(), static_cast<int>(text.size())), "ASN1_STRING_set");
  return s;
}

std::string textOf(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

// An IA5String that holds a NUL byte is an attack on naive comparisons: show it, never match it.
std::string ia5Text(const ASN1_STRING* s) {
  auto text = textOf(s);
  if (text.find('\0') != std::string::npos) return "<name with an embedded NUL>";
  return text;
}

}  // namespace

std::string dottedOid(const ASN1_OBJECT* object) {
  char buf[256];
  int n = OBJ_obj2txt(buf, sizeof buf, object, 1);
  if (n <= 0 || n >= static_cast<int>(sizeof buf)) return "<unprintable OID>";
  return std::string(buf, static_cast<std::size_t>(n));
}

Asn1ObjectPtr objectFromDotted(std::string_view dotted) {
  Asn1ObjectPtr obj(OBJ_txt2obj(std::string(dotted).c_str(), 1));
  if (!obj) throwOpenSslError(ErrorCode::Internal, "OpenSSL refuses the OID " + std::string(dotted));
  return obj;
}

GeneralNamePtr toGeneralName(const SubjectAltName& name) {
  GeneralNamePtr gn(checkPtr(GENERAL_NAME_new(), "GENERAL_NAME_new"));
  switch (name.kind) {
    case SubjectAltName::Kind::Dns:
    case SubjectAltName::Kind::Uri: {
      auto s = ia5(name.value);
      GENERAL_NAME_set0_value(gn.get(), name.kind == SubjectAltName::Kind::Dns ? GEN_DNS : GEN_URI, s.release());
      break;
    }
    case SubjectAltName::Kind::RegisteredId: {
      auto obj = objectFromDotted(name.value);
      GENERAL_NAME_set0_value(gn.get(), GEN_RID, obj.release());
      break;
    }
    case SubjectAltName::Kind::Other:
      throw Error(ErrorCode::Internal, "the CA does not issue the name form of '" + name.value + "'");
  }
  return gn;
}

GeneralNamesPtr toGeneralNames(const std::vector<SubjectAltName>& names) {
  GeneralNamesPtr out(checkPtr(GENERAL_NAMES_new(), "GENERAL_NAMES_new"));
  for (const auto& n : names) {
    auto gn = toGeneralName(n);
    if (sk_GENERAL_NAME_push(out.get(), gn.get()) <= 0) throwOpenSslError(ErrorCode::Internal, "sk_GENERAL_NAME_push");
    gn.release();
  }
  return out;
}

SubjectAltName fromGeneralName(const GENERAL_NAME& name) {
  switch (name.type) {
    case GEN_DNS: return {SubjectAltName::Kind::Dns, ia5Text(name.d.dNSName)};
    case GEN_URI: return {SubjectAltName::Kind::Uri, ia5Text(name.d.uniformResourceIdentifier)};
    case GEN_RID: return {SubjectAltName::Kind::RegisteredId, dottedOid(name.d.registeredID)};
    case GEN_EMAIL: return {SubjectAltName::Kind::Other, "email:" + ia5Text(name.d.rfc822Name)};
    case GEN_IPADD: {
      std::string text = "IP:";
      const auto* data = ASN1_STRING_get0_data(name.d.iPAddress);
      int len = ASN1_STRING_length(name.d.iPAddress);
      for (int i = 0; i < len; ++i) text += (i ? "." : "") + std::to_string(data[i]);
      return {SubjectAltName::Kind::Other, text};
    }
    case GEN_DIRNAME: return {SubjectAltName::Kind::Other, "DirName"};
    case GEN_OTHERNAME: return {SubjectAltName::Kind::Other, "othername:" + dottedOid(name.d.otherName->type_id)};
    default: return {SubjectAltName::Kind::Other, "an unsupported name form"};
  }
}

std::vector<SubjectAltName> fromGeneralNames(const GENERAL_NAMES* names) {
  std::vector<SubjectAltName> out;
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) out.push_back(fromGeneralName(*sk_GENERAL_NAME_value(names, i)));
  return out;
}

std::vector<SubjectAltName> subjectAltNamesOf(const X509& certificate) {
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(&certificate, NID_subject_alt_name, nullptr, nullptr)));
  return fromGeneralNames(names.get());
}

}  // namespace rspf::ca
