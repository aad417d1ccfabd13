#pragma once
// The MEF's own certificate (issue: an FQDN certificate from the embedded CA by default) and the
// anchors it verifies Enrolees' certificates against, for the Certificate-Based framework.
#include <memory>
#include <optional>
#include <vector>

#include "ca/openssl_objects.hpp"
#include "mef/mef_config.hpp"
#include "store/key_encryption_key.hpp"
#include "store/store.hpp"
#include "target/credential_renewal.hpp"
#include "tls/certificate_profile.hpp"

namespace rspf::mef {

struct MefCertificate {
  ca::X509Ptr certificate;  // the one of the start (contexts are built with it); see `slot`
  ca::EvpPkeyPtr privateKey;
  ca::X509StorePtr clientTrustAnchors;
  // The certificate new handshakes present: replaced by renewMefCertificate (issue 10 item 1).
  std::unique_ptr<tls::CertificateSlot> slot;
  std::vector<crypto::Bytes> crls;  // [tls] crl, DER: also applied to device certificates
  bool fromEmbeddedCa = false;
  TimePoint issuedAt{};
  TimePoint expiry{};

  tls::CertificateServerCredentials credentials() const {
    tls::CertificateServerCredentials c{certificate.get(), privateKey.get(), clientTrustAnchors.get()};
    c.slot = slot.get();
    return c;
  }
  tls::CertificateClientCredentials clientCredentials(X509_STORE* serverTrustAnchors) const {
    tls::CertificateClientCredentials c{certificate.get(), privateKey.get(), serverTrustAnchors};
    c.slot = slot.get();
    return c;
  }
};

// The configured certificate and key, else (with the store's default embedded CA) a fresh P-256 key
// and a certificate for `fqdn` (dNSName) valid files.embeddedValidity (90 days), issued at every start. Client trust
// anchors: the configured ones, else the embedded CA. nullopt when there is neither a configured certificate nor an
// embedded CA: the MEF then offers the PSK frameworks only.
std::optional<MefCertificate> mefCertificate(store::Store& store, const store::KeyEncryptionKey& kek,
                                             const std::string& fqdn, const MefCertificateFiles& files);

// A fresh key and certificate for `fqdn` from the embedded CA, swapped into `certificate.slot`: new
// handshakes (listener, Zn, admin API) present it at once, without a restart. Returns its validity.
target::Validity renewMefCertificate(MefCertificate& certificate, store::Store& store,
                                     const store::KeyEncryptionKey& kek, const std::string& fqdn,
                                     std::chrono::seconds validity);

}  // namespace rspf::mef
