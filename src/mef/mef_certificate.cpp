#include "mef/mef_certificate.hpp"

#include <spdlog/spdlog.h>

#include "ca/embedded_ca.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"

namespace rspf::mef {

std::optional<MefCertificate> mefCertificateFromEmbeddedCa(store::Store& store, const store::KeyEncryptionKey& kek,
                                                           const std::string& fqdn) {
  auto record = store.findCertificateAuthority("");
  if (!record) return std::nullopt;
  auto authority = ca::EmbeddedCa::restore(
      record->certificateDer, record->sealedPrivateKey,
      [&](crypto::ByteView sealed) { return kek.open(sealed, "certificate_authorities/key/"); });
  MefCertificate m;
  m.privateKey = ca::generateP256Key();
  auto issued = authority.issueServerCertificate(
      fqdn, *m.privateKey, std::chrono::hours(24 * 90));  // a MEF restarted within 90 days always has a valid one
  m.certificate = ca::parseCertificate(issued.der);
  m.clientTrustAnchors.reset(X509_STORE_new());
  auto anchor = ca::duplicate(authority.certificate());
  if (!m.clientTrustAnchors || X509_STORE_add_cert(m.clientTrustAnchors.get(), anchor.get()) != 1)
    throw Error(ErrorCode::Internal, "cannot build the MEF's client trust anchors");
  spdlog::info("MEF certificate for {} from the embedded CA (serial {}); certificate bootstrap enabled", fqdn,
               issued.serialHex);
  return m;
}

}  // namespace rspf::mef
