#include "ca/embedded_ca.hpp"

#include <algorithm>
#include <cctype>

#include "ca/general_names.hpp"
#include "ca/issuance_check.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "ca/serial_number.hpp"

namespace rspf::ca {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// One extension from OpenSSL's configuration syntax (fixed strings only: no caller text goes in).
void addExtension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, certificate, nullptr, nullptr, 0);
  X509ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!extension) throwOpenSslError(ErrorCode::Internal, std::string("cannot build extension ") + OBJ_nid2sn(nid));
  check(X509_add_ext(certificate, extension.get(), -1), "X509_add_ext");
}

void setTime(ASN1_TIME* field, TimePoint t) {
  // ASN1_TIME_set picks UTCTime before 2050 and GeneralizedTime after (RFC 5280 4.1.2.5).
  if (ASN1_TIME_set(field, static_cast<time_t>(toUnix(t))) == nullptr)
    throwOpenSslError(ErrorCode::Internal, "cannot set a certificate time");
}

TimePoint timeOf(const ASN1_TIME* field) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(field, &tm) != 1) throwOpenSslError(ErrorCode::Internal, "cannot read a certificate time");
  return fromUnix(static_cast<std::int64_t>(timegm(&tm)));
}

// A permitted subtree as RFC 5280 4.2.1.10 writes it for DNS names and URI hosts: "example.com" or
// ".example.com". Lowercased.
std::string checkedSubtree(const std::string& subtree, const char* kind) {
  std::string_view host = subtree;
  if (!host.empty() && host.front() == '.') host.remove_prefix(1);
  if (!isFqdn(host))
    throw Error(ErrorCode::Config, std::string("permitted ") + kind + " subtree '" + subtree.substr(0, 100) +
                                       "' is not a domain name such as example.com or .example.com (no wildcards)");
  return lower(subtree);
}

NameConstraintsPtr buildNameConstraints(const std::vector<std::string>& dns, const std::vector<std::string>& uri) {
  NameConstraintsPtr nc(checkPtr(NAME_CONSTRAINTS_new(), "NAME_CONSTRAINTS_new"));
  nc->permittedSubtrees = checkPtr(sk_GENERAL_SUBTREE_new_null(), "sk_GENERAL_SUBTREE_new_null");
  auto add = [&](SubjectAltName::Kind kind, const std::string& base) {
    GeneralSubtreePtr subtree(checkPtr(GENERAL_SUBTREE_new(), "GENERAL_SUBTREE_new"));
    GENERAL_NAME_free(subtree->base);
    subtree->base = toGeneralName({kind, base}).release();
    if (sk_GENERAL_SUBTREE_push(nc->permittedSubtrees, subtree.get()) <= 0)
      throwOpenSslError(ErrorCode::Internal, "sk_GENERAL_SUBTREE_push");
    subtree.release();
  };
  for (const auto& d : dns) add(SubjectAltName::Kind::Dns, d);
  for (const auto& u : uri) add(SubjectAltName::Kind::Uri, u);
  return nc;
}

std::string describeConstraints(const std::vector<std::string>& dns, const std::vector<std::string>& uri) {
  std::string text;
  if (!dns.empty()) text += "DNS " + joined(dns);
  if (!uri.empty()) text += std::string(text.empty() ? "" : "; ") + "URI hosts " + joined(uri);
  return text.empty() ? "none" : text;
}

}  // namespace

EmbeddedCa::EmbeddedCa(X509Ptr certificate, EvpPkeyPtr key)
    : certificate_(std::move(certificate)), key_(std::move(key)) {
  nameConstraints_.reset(
      static_cast<NAME_CONSTRAINTS*>(X509_get_ext_d2i(certificate_.get(), NID_name_constraints, nullptr, nullptr)));
  if (nameConstraints_) {
    for (int i = 0; i < sk_GENERAL_SUBTREE_num(nameConstraints_->permittedSubtrees); ++i) {
      const GENERAL_SUBTREE* subtree = sk_GENERAL_SUBTREE_value(nameConstraints_->permittedSubtrees, i);
      auto name = fromGeneralName(*subtree->base);
      if (name.kind == SubjectAltName::Kind::Dns) permittedDns_.push_back(name.value);
      if (name.kind == SubjectAltName::Kind::Uri) permittedUri_.push_back(name.value);
    }
  }
}

EmbeddedCa::~EmbeddedCa() = default;

EmbeddedCa EmbeddedCa::create(std::string_view commonName, const std::vector<std::string>& permittedDnsSubtrees,
                              const std::vector<std::string>& permittedUriSubtrees, std::chrono::seconds validity) {
  if (commonName.empty() || commonName.size() > 64)
    throw Error(ErrorCode::Config, "the CA name must be 1 to 64 characters long");
  if (validity <= std::chrono::seconds(0)) throw Error(ErrorCode::Config, "the CA validity must be positive");
  if (permittedDnsSubtrees.empty() && permittedUriSubtrees.empty())
    throw Error(ErrorCode::Config,
                "an embedded CA needs at least one permitted DNS or URI subtree for its name constraints "
                "(TS-0003 8.1.2.2), e.g. the M2M Service Provider's domain example.com");
  std::vector<std::string> dns, uri;
  for (const auto& d : permittedDnsSubtrees) dns.push_back(checkedSubtree(d, "DNS"));
  for (const auto& u : permittedUriSubtrees) uri.push_back(checkedSubtree(u, "URI"));

  auto key = generateP256Key();
  X509Ptr cert(checkPtr(X509_new(), "X509_new"));
  check(X509_set_version(cert.get(), X509_VERSION_3), "X509_set_version");
  auto serial = toAsn1Integer(randomSerialNumber());
  check(X509_set_serialNumber(cert.get(), serial.get()), "X509_set_serialNumber");
  X509NamePtr name(checkPtr(X509_NAME_new(), "X509_NAME_new"));
  if (X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(commonName.data()),
                                 static_cast<int>(commonName.size()), -1, 0) != 1)
    throwOpenSslError(ErrorCode::Config, "the CA name is not a valid commonName");
  check(X509_set_subject_name(cert.get(), name.get()), "X509_set_subject_name");
  check(X509_set_issuer_name(cert.get(), name.get()), "X509_set_issuer_name");
  auto start = now() - kBackdating;
  setTime(X509_getm_notBefore(cert.get()), start);
  setTime(X509_getm_notAfter(cert.get()), now() + validity);
  check(X509_set_pubkey(cert.get(), key.get()), "X509_set_pubkey");

  addExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  addExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  addExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  auto nc = buildNameConstraints(dns, uri);
  check(X509_add1_ext_i2d(cert.get(), NID_name_constraints, nc.get(), 1, X509V3_ADD_DEFAULT), "name constraints");

  if (X509_sign(cert.get(), key.get(), sha256Digest()) <= 0)
    throwOpenSslError(ErrorCode::Internal, "cannot sign the CA certificate");
  return EmbeddedCa(std::move(cert), std::move(key));
}

EmbeddedCa EmbeddedCa::restore(crypto::ByteView certificateDer, crypto::ByteView sealedPrivateKey,
                               const OpenFunction& open) {
  X509Ptr cert;
  try {
    cert = parseCertificate(certificateDer);
  } catch (const Error& e) {
    throw Error(ErrorCode::Config, std::string("the stored CA certificate is unusable: ") + e.what());
  }
  auto pkcs8 = open(sealedPrivateKey);
  EvpPkeyPtr key;
  try {
    key = privateKeyFromPkcs8Der(pkcs8.view());
    requireP256(*key, "the CA private key");
  } catch (const Error& e) {
    throw Error(ErrorCode::Config, std::string("the stored CA private key is unusable: ") + e.what());
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    takeOpenSslErrors();
    throw Error(ErrorCode::Config, "the stored CA private key does not belong to the stored CA certificate");
  }
  if (X509_check_ca(cert.get()) == 0)
    throw Error(ErrorCode::Config, "the stored CA certificate is not a CA certificate (basicConstraints CA:TRUE)");
  return EmbeddedCa(std::move(cert), std::move(key));
}

crypto::Bytes EmbeddedCa::sealPrivateKey(const SealFunction& seal) const {
  auto pkcs8 = privateKeyPkcs8Der(*key_);  // wiped when it goes out of scope
  return seal(pkcs8.view());
}

crypto::Bytes EmbeddedCa::certificateDer() const { return ca::certificateDer(*certificate_); }
std::string EmbeddedCa::certificatePem() const { return ca::certificatePem(*certificate_); }

IssuedCertificate EmbeddedCa::issue(const CertificateRequest& request, const IssuancePolicy& policy) const {
  if (policy.validity <= std::chrono::seconds(0))
    throw Error(ErrorCode::Config, "the issuance policy for '" + policy.identifier + "' has no positive validity");
  auto granted = grantRequest(request, policy);  // the CSR names only what the policy grants
  return sign(request.publicKey(), subjectNameFor(policy.identifier, policy.subjectType), {granted.subjectAltName},
              granted.extendedKeyUsages, policy.validity);
}

IssuedCertificate EmbeddedCa::issueServerCertificate(std::string_view fqdn, const EVP_PKEY& publicKey,
                                                     std::chrono::seconds validity) const {
  if (validity <= std::chrono::seconds(0)) throw Error(ErrorCode::Config, "the certificate validity must be positive");
  auto name = subjectAltNameFor(fqdn, SubjectType::CseId);  // an FQDN as dNSName: the CSE-ID rule
  return sign(publicKey, subjectNameFor(fqdn, SubjectType::CseId), {name},
              {std::string(oidOf(KeyPurpose::ServerAuth)), std::string(oidOf(KeyPurpose::ClientAuth))}, validity);
}

IssuedCertificate EmbeddedCa::sign(const EVP_PKEY& subjectKey, const SubjectName& subjectName,
                                   const std::vector<SubjectAltName>& names, const std::vector<std::string>& ekus,
                                   std::chrono::seconds validity) const {
  requireP256(subjectKey, "the certified public key");
  X509Ptr cert(checkPtr(X509_new(), "X509_new"));
  check(X509_set_version(cert.get(), X509_VERSION_3), "X509_set_version");
  auto serialBytes = randomSerialNumber();
  auto serial = toAsn1Integer(serialBytes);
  check(X509_set_serialNumber(cert.get(), serial.get()), "X509_set_serialNumber");

  X509NamePtr subject(checkPtr(X509_NAME_new(), "X509_NAME_new"));
  if (!subjectName.value.empty() &&
      X509_NAME_add_entry_by_txt(subject.get(), subjectName.attribute.c_str(), MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(subjectName.value.data()),
                                 static_cast<int>(subjectName.value.size()), -1, 0) != 1)
    throwOpenSslError(ErrorCode::Internal, "cannot set the certificate subject");
  check(X509_set_subject_name(cert.get(), subject.get()), "X509_set_subject_name");
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(certificate_.get())), "X509_set_issuer_name");

  auto notBefore = now() - kBackdating;
  auto notAfter = std::min(now() + validity, timeOf(X509_get0_notAfter(certificate_.get())));
  if (notAfter <= now()) throw Error(ErrorCode::Unavailable, "the CA certificate has expired; renew the CA");
  setTime(X509_getm_notBefore(cert.get()), notBefore);
  setTime(X509_getm_notAfter(cert.get()), notAfter);
  // X509_set_pubkey only takes a reference (atomic count) on the key; it does not change it.
  check(X509_set_pubkey(cert.get(), const_cast<EVP_PKEY*>(&subjectKey)), "X509_set_pubkey");

  addExtension(cert.get(), certificate_.get(), NID_basic_constraints, "critical,CA:FALSE");
  addExtension(cert.get(), certificate_.get(), NID_key_usage, "critical,digitalSignature");  // 10.1.1.1
  addExtension(cert.get(), certificate_.get(), NID_subject_key_identifier, "hash");
  addExtension(cert.get(), certificate_.get(), NID_authority_key_identifier, "keyid:always");
  // With an empty subject the subjectAltName must be critical (RFC 5280 4.2.1.6).
  auto gens = toGeneralNames(names);
  check(X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, gens.get(), subjectName.value.empty() ? 1 : 0,
                          X509V3_ADD_DEFAULT),
        "subjectAltName");
  ExtendedKeyUsagePtr usage(checkPtr(EXTENDED_KEY_USAGE_new(), "EXTENDED_KEY_USAGE_new"));
  for (const auto& oid : ekus) {
    auto object = objectFromDotted(oid);
    if (sk_ASN1_OBJECT_push(usage.get(), object.get()) <= 0)
      throwOpenSslError(ErrorCode::Internal, "sk_ASN1_OBJECT_push");
    object.release();
  }
  check(X509_add1_ext_i2d(cert.get(), NID_ext_key_usage, usage.get(), 0, X509V3_ADD_DEFAULT), "extKeyUsage");

  if (X509_sign(cert.get(), key_.get(), sha256Digest()) <= 0)
    throwOpenSslError(ErrorCode::Internal, "cannot sign the certificate");

  // Refuse here, with a clear reason, what every relying party would refuse (8.1.2.2, RFC 5280 6.1.3).
  // NAME_CONSTRAINTS_check reads the certificate's cached extensions: compute them on the final,
  // signed certificate first.
  if (X509_check_purpose(cert.get(), -1, 0) != 1)
    throwOpenSslError(ErrorCode::Internal, "cannot read back the certificate");
  if (nameConstraints_) {
    int result = NAME_CONSTRAINTS_check(cert.get(), nameConstraints_.get());
    if (result == X509_V_OK) result = NAME_CONSTRAINTS_check_CN(cert.get(), nameConstraints_.get());
    if (result != X509_V_OK) {
      takeOpenSslErrors();
      throw Error(ErrorCode::Forbidden, "'" + names.front().describe() +
                                            "' lies outside the CA's name constraints (permitted: " +
                                            describeConstraints(permittedDns_, permittedUri_) + "; TS-0003 8.1.2.2)");
    }
  }
  return IssuedCertificate{ca::certificateDer(*cert),
                           serialHex(*serial),
                           timeOf(X509_get0_notBefore(cert.get())),
                           timeOf(X509_get0_notAfter(cert.get())),
                           names,
                           ekus};
}

IssuedCertificate describeIssuedCertificate(crypto::ByteView der) {
  auto cert = parseCertificate(der);
  std::vector<std::string> ekus;
  using EkuPtr = OpenSslPtr<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free>;
  EkuPtr eku(static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert.get(), NID_ext_key_usage, nullptr, nullptr)));
  for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku.get()); ++i)
    ekus.push_back(dottedOid(sk_ASN1_OBJECT_value(eku.get(), i)));
  return IssuedCertificate{ca::certificateDer(*cert),
                           serialHex(*X509_get0_serialNumber(cert.get())),
                           timeOf(X509_get0_notBefore(cert.get())),
                           timeOf(X509_get0_notAfter(cert.get())),
                           subjectAltNamesOf(*cert),
                           ekus};
}

crypto::Bytes EmbeddedCa::createCrl(const std::vector<std::string>& revokedSerialsHex, TimePoint nextUpdate) const {
  // Backdated as certificates are: a verifier reading time() (glibc's coarse clock, a tick behind)
  // in the same second would otherwise find a fresh CRL not yet valid.
  const auto issued = now();
  const auto thisUpdate = issued - kBackdating;
  if (nextUpdate <= issued) throw Error(ErrorCode::Config, "a CRL's nextUpdate must lie in the future");
  X509CrlPtr crl(checkPtr(X509_CRL_new(), "X509_CRL_new"));
  check(X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2), "X509_CRL_set_version");
  check(X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(certificate_.get())), "X509_CRL_set_issuer_name");
  Asn1TimePtr time(checkPtr(ASN1_TIME_new(), "ASN1_TIME_new"));
  setTime(time.get(), thisUpdate);
  check(X509_CRL_set1_lastUpdate(crl.get(), time.get()), "X509_CRL_set1_lastUpdate");
  Asn1TimePtr next(checkPtr(ASN1_TIME_new(), "ASN1_TIME_new"));
  setTime(next.get(), nextUpdate);
  check(X509_CRL_set1_nextUpdate(crl.get(), next.get()), "X509_CRL_set1_nextUpdate");

  for (const auto& hex : revokedSerialsHex) {
    auto serial = serialFromHex(hex);
    X509RevokedPtr entry(checkPtr(X509_REVOKED_new(), "X509_REVOKED_new"));
    check(X509_REVOKED_set_serialNumber(entry.get(), serial.get()), "X509_REVOKED_set_serialNumber");
    check(X509_REVOKED_set_revocationDate(entry.get(), time.get()), "X509_REVOKED_set_revocationDate");
    check(X509_CRL_add0_revoked(crl.get(), entry.get()), "X509_CRL_add0_revoked");
    entry.release();
  }
  check(X509_CRL_sort(crl.get()), "X509_CRL_sort");

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, certificate_.get(), nullptr, nullptr, crl.get(), 0);
  X509ExtensionPtr aki(X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
  if (!aki) throwOpenSslError(ErrorCode::Internal, "cannot build the CRL's authorityKeyIdentifier");
  check(X509_CRL_add_ext(crl.get(), aki.get(), -1), "X509_CRL_add_ext");
  Asn1IntegerPtr number(checkPtr(ASN1_INTEGER_new(), "ASN1_INTEGER_new"));
  check(ASN1_INTEGER_set_int64(number.get(), toUnix(thisUpdate)), "ASN1_INTEGER_set_int64");
  check(X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, X509V3_ADD_DEFAULT), "cRLNumber");

  if (X509_CRL_sign(crl.get(), key_.get(), sha256Digest()) <= 0)
    throwOpenSslError(ErrorCode::Internal, "cannot sign the CRL");
  return toDer(i2d_X509_CRL, crl.get(), "cannot encode the CRL");
}

}  // namespace rspf::ca
