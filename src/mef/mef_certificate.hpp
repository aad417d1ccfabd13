#pragma once
// The MEF's own certificate (issue: an FQDN certificate from the embedded CA by default) and the
// anchors it verifies Enrolees' certificates against, for the Certificate-Based framework.
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "ca/openssl_objects.hpp"
#include "lifecycle/credential_renewal.hpp"
#include "mef/mef_config.hpp"
#include "store/key_encryption_key.hpp"
#include "store/store.hpp"
#include "tls/certificate_profile.hpp"

namespace rspf::mef {

// The certificate the embedded CA issued the MEF, replaced by renewMefCertificate (issue 10 item 1).
struct EmbeddedIssue {
  std::mutex mutex;
  std::shared_ptr<X509> certificate;
  std::shared_ptr<EVP_PKEY> privateKey;
};

struct MefCertificate {
  ca::X509Ptr certificate;  // the one of the start
  ca::EvpPkeyPtr privateKey;
  ca::X509StorePtr clientTrustAnchors;
  // What the listeners use: the above at start, replaced on SIGHUP when they come from files, and
  // when renewed from the embedded CA.
  std::shared_ptr<tls::ReloadableServerCredentials> reloadable;
  // What the MEF's client connections (Zn to the BSF) present; replaced with the listeners'.
  std::unique_ptr<tls::CertificateSlot> slot;
  std::shared_ptr<EmbeddedIssue> embedded;  // set when the certificate comes from the embedded CA
  std::vector<crypto::Bytes> crls;          // [tls] crl, DER: also applied to device certificates
  TimePoint issuedAt{};
  TimePoint expiry{};

  tls::CertificateServerCredentials credentials() const {
    return {certificate.get(), privateKey.get(), clientTrustAnchors.get(), true, reloadable};
  }
  tls::CertificateClientCredentials clientCredentials(X509_STORE* serverTrustAnchors) const {
    tls::CertificateClientCredentials c{certificate.get(), privateKey.get(), serverTrustAnchors};
    c.slot = slot.get();
    return c;
  }
};

// The configured certificate and key, else (with the store's default embedded CA) a fresh P-256 key
// and a certificate for `fqdn` (dNSName) valid files.embeddedValidity (90 days), issued at every
// start. Client trust anchors: the configured ones, else the embedded CA. nullopt when there is
// neither a configured certificate nor an embedded CA: the MEF then offers the PSK frameworks only.
std::optional<MefCertificate> mefCertificate(store::Store& store, const store::KeyEncryptionKey& kek,
                                             const std::string& fqdn, const MefCertificateFiles& files);

// A fresh key and certificate for `fqdn` from the embedded CA, swapped into the listeners
// (reloadable) and the client slot: new handshakes present it at once, without a restart.
lifecycle::Validity renewMefCertificate(MefCertificate& certificate, store::Store& store,
                                        const store::KeyEncryptionKey& kek, const std::string& fqdn,
                                        std::chrono::seconds validity);

}  // namespace rspf::mef
