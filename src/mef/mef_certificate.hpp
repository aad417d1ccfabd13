#pragma once
// The MEF's own certificate (issue: an FQDN certificate from the embedded CA by default) and the
// anchors it verifies Enrolees' certificates against, for the Certificate-Based framework.
#include <optional>

#include "ca/openssl_objects.hpp"
#include "store/key_encryption_key.hpp"
#include "store/store.hpp"
#include "tls/certificate_profile.hpp"

namespace rspf::mef {

struct MefCertificate {
  ca::X509Ptr certificate;
  ca::EvpPkeyPtr privateKey;
  ca::X509StorePtr clientTrustAnchors;

  tls::CertificateServerCredentials credentials() const {
    return {certificate.get(), privateKey.get(), clientTrustAnchors.get()};
  }
};

// With the store's default embedded CA: a fresh P-256 key and a certificate for `fqdn` (dNSName),
// valid 90 days (a new one at every start), and that CA as the client trust anchor. nullopt when the store has no CA.
std::optional<MefCertificate> mefCertificateFromEmbeddedCa(store::Store& store, const store::KeyEncryptionKey& kek,
                                                           const std::string& fqdn);

}  // namespace rspf::mef
