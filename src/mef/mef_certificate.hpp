#pragma once
// The MEF's own certificate (issue: an FQDN certificate from the embedded CA by default) and the
// anchors it verifies Enrolees' certificates against, for the Certificate-Based framework.
#include <optional>

#include "ca/openssl_objects.hpp"
#include "mef/mef_config.hpp"
#include "store/key_encryption_key.hpp"
#include "store/store.hpp"
#include "tls/certificate_profile.hpp"

namespace rspf::mef {

struct MefCertificate {
  ca::X509Ptr certificate;
  ca::EvpPkeyPtr privateKey;
  ca::X509StorePtr clientTrustAnchors;
  // What the listeners use: the above at start, replaced on SIGHUP when they come from files.
  std::shared_ptr<tls::ReloadableServerCredentials> reloadable;

  tls::CertificateServerCredentials credentials() const {
    return {certificate.get(), privateKey.get(), clientTrustAnchors.get(), true, reloadable};
  }
};

// The configured certificate and key, else (with the store's default embedded CA) a fresh P-256 key
// and a certificate for `fqdn` (dNSName) valid 90 days, issued at every start. Client trust anchors:
// the configured ones, else the embedded CA. nullopt when there is neither a configured certificate
// nor an embedded CA: the MEF then offers the PSK frameworks only.
std::optional<MefCertificate> mefCertificate(store::Store& store, const store::KeyEncryptionKey& kek,
                                             const std::string& fqdn, const MefCertificateFiles& files);

}  // namespace rspf::mef
