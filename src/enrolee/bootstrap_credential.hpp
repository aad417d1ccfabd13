#pragma once
// What an Enrolee bootstraps with, one type per Remote Security Provisioning Framework (seed 8.3.2),
// and the secure channel to the MEF it opens with it, on the binding the MEF URL names.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "crypto/secret_bytes.hpp"
#include "enrolee/gba_bootstrap.hpp"
#include "transport/secure_channel.hpp"

namespace rspf::enrolee {

// Pre-Provisioned Symmetric Key framework (8.3.2.1): psk_identity KpmId, psk Kpm. Re-keying with an
// earlier enrolment (8.3.3.2) has the same shape: KreId, Kre.
struct PreProvisionedKey {
  std::string pskIdentity;
  crypto::SecretBytes psk;
};

// Certificate-Based framework (8.3.2.2): the Enrolee's certificate and key, and the MEF trust
// anchors it verifies the MEF's certificate (naming the MEF-FQDN) against.
struct CertificateBootstrapFiles {
  std::filesystem::path certificate;
  std::filesystem::path privateKey;
  std::filesystem::path mefTrustAnchors;
  std::optional<std::filesystem::path> crl = {};  // the MEF's certificate is checked against it (issue 10 item 6)
};

// GBA framework (8.3.2.3): the Ub bootstrapping's Ks and B-TID; psk_identity
// 3GPP-bootstrapping[-uicc].<B-TID>, psk Ks_NAF (GBA_ME) or Ks_int_NAF (GBA_U) for NAF_Id =
// MEF-FQDN || the negotiated suite.
struct GbaBootstrapKey {
  BootstrappedKey key;
  bool uicc = false;
};

using BootstrapCredential = std::variant<PreProvisionedKey, CertificateBootstrapFiles, GbaBootstrapKey>;

// The session with the MEF at `mefUrl` ("https://host:port" or "coaps://host:port"), authenticated
// with `credential`, SNI
// `mefFqdn`. The wiring point of a new binding (docs/architecture.md): its scheme here. Throws
// Error(Config) for another URL, Error(Tls) with a readable reason when the handshake fails.
std::unique_ptr<transport::SecureChannel> openMefChannel(const std::string& mefUrl, const std::string& mefFqdn,
                                                         const BootstrapCredential& credential, bool tls13 = false);

}  // namespace rspf::enrolee
