#include "ca/certificate_verifier.hpp"

#include "ca/general_names.hpp"
#include "ca/pem.hpp"
#include "ca/raw_public_key.hpp"
#include "ca/serial_number.hpp"

namespace rspf::ca {
namespace {

std::string subjectText(X509* certificate) {
  if (certificate == nullptr) return "(unknown)";
  BioPtr bio(checkPtr(BIO_new(BIO_s_mem()), "BIO_new"));
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  std::string text(data, static_cast<std::size_t>(length));
  if (text.empty()) {
    auto names = subjectAltNamesOf(*certificate);
    text = names.empty() ? "(empty subject)" : names.front().describe();
  }
  return text;
}

std::string timeText(const ASN1_TIME* t) {
  BioPtr bio(checkPtr(BIO_new(BIO_s_mem()), "BIO_new"));
  ASN1_TIME_print(bio.get(), t);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

// The user-facing reason of an X509_verify_cert failure.
std::string reasonOf(int error, X509* certificate) {
  std::string who = "certificate '" + subjectText(certificate) + "'";
  switch (error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return who + " has expired (notAfter " + timeText(X509_get0_notAfter(certificate)) + ")";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return who + " is not yet valid (notBefore " + timeText(X509_get0_notBefore(certificate)) + ")";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED: return who + " is not signed by a trusted CA";
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
      return who + " has a signature that does not verify: not signed by a trusted CA";
    case X509_V_ERR_CERT_REVOKED:
      return who + " (serial " + serialHex(*X509_get0_serialNumber(certificate)) + ") has been revoked";
    case X509_V_ERR_UNABLE_TO_GET_CRL:
      return "CRL checking is on but no CRL of the CA that issued " + who + " is loaded";
    case X509_V_ERR_CRL_HAS_EXPIRED: return "the CRL of the CA that issued " + who + " has expired; load a current CRL";
    case X509_V_ERR_CRL_NOT_YET_VALID: return "the CRL of the CA that issued " + who + " is not yet valid";
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
      return "the CRL for " + who + " has a signature that does not verify";
    case X509_V_ERR_PERMITTED_VIOLATION:
    case X509_V_ERR_EXCLUDED_VIOLATION:
      return who + " names an identity outside its CA's name constraints (TS-0003 8.1.2.2)";
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED: return who + " is in the chain as a CA but is not allowed to act as one";
    default: return who + " failed verification: " + X509_verify_cert_error_string(error);
  }
}

X509Ptr parseOrRefuse(ByteView der, const char* what) {
  try {
    return parseCertificate(der);
  } catch (const Error& e) {
    throw Error(ErrorCode::Unauthorized, std::string(what) + ": " + e.what());
  }
}

}  // namespace

CertificateVerifier::CertificateVerifier(const std::vector<Bytes>& trustAnchorsDer, VerifierOptions options)
    : store_(checkPtr(X509_STORE_new(), "X509_STORE_new")) {
  if (trustAnchorsDer.empty())
    throw Error(ErrorCode::Config, "no trust anchor is configured for certificate verification");
  for (const auto& der : trustAnchorsDer) {
    X509Ptr anchor;
    try {
      anchor = parseCertificate(der);
    } catch (const Error& e) {
      throw Error(ErrorCode::Config, std::string("a trust anchor does not parse: ") + e.what());
    }
    check(X509_STORE_add_cert(store_.get(), anchor.get()), "X509_STORE_add_cert");  // takes a reference
  }
  if (options.checkCrl) check(X509_STORE_set_flags(store_.get(), X509_V_FLAG_CRL_CHECK), "X509_STORE_set_flags");
}

void CertificateVerifier::addCrl(ByteView crlDer) {
  const unsigned char* p = crlDer.data();
  X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(crlDer.size())));
  if (!crl || p != crlDer.data() + crlDer.size()) {
    takeOpenSslErrors();
    throw Error(ErrorCode::Config, "the CRL is not DER (RFC 5280 5)");
  }
  check(X509_STORE_add_crl(store_.get(), crl.get()), "X509_STORE_add_crl");
}

VerifiedCertificate CertificateVerifier::verify(X509& leaf, STACK_OF(X509) * intermediates,
                                                std::optional<TimePoint> at) const {
  X509StoreCtxPtr ctx(checkPtr(X509_STORE_CTX_new(), "X509_STORE_CTX_new"));
  check(X509_STORE_CTX_init(ctx.get(), store_.get(), &leaf, intermediates), "X509_STORE_CTX_init");
  if (at) X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), static_cast<time_t>(toUnix(*at)));
  if (X509_verify_cert(ctx.get()) != 1) {
    int error = X509_STORE_CTX_get_error(ctx.get());
    X509* current = X509_STORE_CTX_get_current_cert(ctx.get());
    auto reason = reasonOf(error, current != nullptr ? current : &leaf);
    takeOpenSslErrors();
    throw Error(ErrorCode::Unauthorized, reason);
  }
  VerifiedCertificate out;
  X509_up_ref(&leaf);
  out.certificate.reset(&leaf);
  out.subject = subjectText(&leaf);
  out.serialHex = serialHex(*X509_get0_serialNumber(&leaf));
  out.subjectAltNames = subjectAltNamesOf(leaf);
  EVP_PKEY* key = X509_get0_pubkey(&leaf);
  if (key == nullptr) throw Error(ErrorCode::Unauthorized, "the certificate's public key is unusable");
  out.niIdentifier = niIdentifier(*key);
  return out;
}

VerifiedCertificate CertificateVerifier::verify(const std::vector<Bytes>& chainDer, std::optional<TimePoint> at) const {
  if (chainDer.empty()) throw Error(ErrorCode::Unauthorized, "no certificate was presented");
  auto leaf = parseOrRefuse(chainDer.front(), "the presented certificate does not parse");
  CertificateStackPtr intermediates(checkPtr(sk_X509_new_null(), "sk_X509_new_null"));
  for (std::size_t i = 1; i < chainDer.size(); ++i) {
    auto cert = parseOrRefuse(chainDer[i], "a presented intermediate certificate does not parse");
    if (sk_X509_push(intermediates.get(), cert.get()) <= 0) throwOpenSslError(ErrorCode::Internal, "sk_X509_push");
    cert.release();
  }
  return verify(*leaf, intermediates.get(), at);
}

void requireRegisteredIdentity(const VerifiedCertificate& certificate, std::string_view registeredId,
                               SubjectType type) {
  auto expected = subjectAltNameFor(registeredId, type);
  const auto& names = certificate.subjectAltNames;
  std::string registered =
      "the registered " +
      std::string(type == SubjectType::CseId || type == SubjectType::AeId ? "Enrolee-ID" : subjectTypeName(type)) +
      " '" + std::string(registeredId) + "'";
  if (names.empty())
    throw Error(ErrorCode::Unauthorized, "the certificate carries no subjectAltName; expected " + registered);
  if (type == SubjectType::CseId || type == SubjectType::AeId) {
    for (const auto& n : names)
      if (!sameName(n, expected))
        throw Error(ErrorCode::Unauthorized, "subjectAltName '" + n.describe() + "' is not " + registered);
    return;
  }
  for (const auto& n : names)
    if (sameName(n, expected)) return;
  std::string listed;
  for (const auto& n : names) listed += (listed.empty() ? "" : ", ") + n.describe();
  throw Error(ErrorCode::Unauthorized,
              "the certificate's subjectAltName (" + listed + ") does not include " + registered);
}

void requireRawPublicKey(const EVP_PKEY& publicKey, std::string_view registeredNi) {
  auto registered = normalizeNiIdentifier(registeredNi);
  if (!registered)
    throw Error(ErrorCode::Config, "the registered raw public key identifier '" +
                                       std::string(registeredNi.substr(0, 100)) +
                                       "' is not an ni:///sha-256;<base64url> URI (RFC 6920)");
  if (!matchesNiIdentifier(publicKey, *registered))
    throw Error(ErrorCode::Unauthorized,
                "raw public key " + niIdentifier(publicKey) + " is not the registered key " + *registered);
}

}  // namespace rspf::ca
