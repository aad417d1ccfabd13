#include "maf/enrolee_certificate_resolver.hpp"

#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include "ca/embedded_ca.hpp"
#include "ca/extended_key_usage.hpp"
#include "ca/general_names.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"
#include "target/enrolment_target_framework.hpp"

namespace rspf::maf {
namespace {

constexpr std::string_view kAeUriScheme = "onem2m://";

std::optional<std::string> enroleeIdOf(const X509& certificate) {
  for (const auto& name : ca::subjectAltNamesOf(certificate)) {
    if (name.kind == ca::SubjectAltName::Kind::Dns) return name.value;
    if (name.kind == ca::SubjectAltName::Kind::Uri && name.value.starts_with(kAeUriScheme))
      return name.value.substr(kAeUriScheme.size());
  }
  return std::nullopt;
}

}  // namespace

std::optional<tls::ResolvedPsk> EnroleeCertificateResolver::resolve(const tls::PresentedCertificate& presented) {
  if (!presented.chainVerified) {
    spdlog::info("refused an Enrolee certificate: {}", X509_verify_cert_error_string(presented.verifyError));
    return std::nullopt;
  }
  if (revoked_ != nullptr && revoked_->revoked(presented.leaf)) {
    spdlog::info("refused an Enrolee certificate: it is revoked (listed in the CRL)");
    return std::nullopt;
  }
  std::vector<std::string> ekus;
  try {
    ekus = ca::describeIssuedCertificate(ca::certificateDer(presented.leaf)).extendedKeyUsages;
  } catch (const Error& e) {
    spdlog::info("refused an Enrolee certificate: {}", e.what());
    return std::nullopt;
  }
  bool forMaf = false;
  std::string usages;
  for (const auto& oid : ekus) {
    auto purpose = ca::keyPurposeOfOid(oid);
    if (!purpose) continue;
    if (*purpose == ca::KeyPurpose::Maf) forMaf = true;
    if (*purpose == ca::KeyPurpose::Saef || *purpose == ca::KeyPurpose::EsPrim || *purpose == ca::KeyPurpose::EsData)
      usages += (usages.empty() ? "" : ",") + std::string(ca::keyPurposeName(*purpose));
  }
  auto enroleeId = enroleeIdOf(presented.leaf);
  if (!forMaf || !enroleeId) {
    spdlog::info("refused an Enrolee certificate: {}",
                 !enroleeId ? "it names no CSE-ID or AE-ID" : "it does not allow authenticating to a MAF (no MAF EKU)");
    return std::nullopt;
  }
  tls::ResolvedPsk resolved;
  resolved.framework = kMafCertificateFramework;
  resolved.principal = *enroleeId;
  resolved.attributes[target::kUsagesAttribute] = usages;
  return resolved;
}

}  // namespace rspf::maf
