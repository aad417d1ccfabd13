#include "admin/bootstrap_identity_registration.hpp"

#include "ca/certificate_subject.hpp"
#include "ca/pem.hpp"
#include "ca/raw_public_key.hpp"
#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::admin {

store::BootstrapIdentity rawPublicKeyIdentity(std::string_view keyOrNi) {
  store::BootstrapIdentity identity;
  identity.kind = store::BootstrapIdentity::kRawPublicKey;
  identity.createdAt = now();
  if (keyOrNi.starts_with("ni:")) {
    auto ni = ca::normalizeNiIdentifier(keyOrNi);
    if (!ni) throw Error(ErrorCode::BadRequest, "not an RFC 6920 ni:///sha-256;... identifier");
    identity.value = *ni;
    return identity;
  }
  try {
    identity.value = ca::niIdentifier(*ca::parsePublicKey(crypto::asBytes(keyOrNi)));
  } catch (const Error&) {
    try {
      auto certificate = ca::parseCertificate(crypto::asBytes(keyOrNi));
      identity.value = ca::niIdentifier(*X509_get0_pubkey(certificate.get()));
    } catch (const Error&) {
      throw Error(ErrorCode::BadRequest, "the raw public key is neither an ni URI, a public key nor a certificate");
    }
  }
  return identity;
}

store::BootstrapIdentity deviceCertificateIdentity(std::string_view deviceId, std::string_view trustAnchorPem) {
  ca::subjectAltNameFor(deviceId, ca::SubjectType::DeviceId);  // throws BadRequest for a malformed device ID
  std::vector<ca::X509Ptr> anchors;
  try {
    anchors = ca::parseCertificates(crypto::asBytes(trustAnchorPem));
  } catch (const Error&) {
    anchors.clear();
  }
  if (anchors.empty())
    throw Error(ErrorCode::BadRequest, "the device's trust anchor must be one or more PEM certificates");
  std::string pem;
  for (const auto& anchor : anchors) pem += ca::certificatePem(*anchor);
  return {std::string(store::BootstrapIdentity::kDeviceCertificate), std::string(deviceId), "", pem, now()};
}

store::BootstrapIdentity gbaIdentity(std::string_view impi) {
  crypto::requireAsciiIdentifier(impi, "IMPI");
  if (impi.size() > 255) throw Error(ErrorCode::BadRequest, "IMPI must be at most 255 characters");
  return {std::string(store::BootstrapIdentity::kGba), std::string(impi), "", "", now()};
}

}  // namespace rspf::admin
