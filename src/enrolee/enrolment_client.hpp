#pragma once
// The Enrolee side of bootstrap and the Enrolment Exchange (seed 8.3.2.1, 8.3.3.1, 8.3.3.2).
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "enrolee/bootstrap_credential.hpp"
#include "enrolee/certificate_enrolment_client.hpp"
#include "enrolee/enrolee_credentials.hpp"
#include "enrolee/gba_bootstrap.hpp"

namespace rspf::enrolee {

struct EnrolOptions {
  std::string mefUrl;   // https://host:port
  std::string mefFqdn;  // sent as SNI; the suffix of the KeId
  std::string kpmId;    // the pre-provisioned key framework: KpmId/Kpm ...
  crypto::SecretBytes kpm;
  std::optional<CertificateBootstrapFiles> certificateBootstrap;  // ... or the certificate framework ...
  // ... or GBA (seed 8.3.2.3): psk_identity 3GPP-bootstrapping[-uicc].<B-TID>, psk Ks_NAF (GBA_ME,
  // Ks_ext_NAF) or, with gbaUicc, Ks_int_NAF (GBA_U), derived for NAF_Id = MEF-FQDN || the suite.
  std::optional<BootstrappedKey> gba;
  bool gbaUicc = false;
  std::optional<std::string> enrolmentToken;
  bool certificateEnrolment = false;  // "supports certificate enrolment"
  bool mafEnrolment = false;          // "supports MAF-based procedures"
  bool tls13 = false;
  std::chrono::seconds approvalWait{0};  // how long to wait for a certificate request held for approval
  // Where to keep the MEF's CRL (GET /crl) fetched after the exchange (issue 10 item 6); not fetched when unset.
  std::optional<std::filesystem::path> mefCrlFile = {};
};

// GET /crl of the MEF on a re-authentication session (KreId/Kre) into `file` (DER). Throws Error.
void fetchMefCrl(const EnroleeCredentials& credentials, const std::filesystem::path& file);

// The credential `options` names: GBA, else the certificate, else KpmId/Kpm.
BootstrapCredential bootstrapCredentialOf(const EnrolOptions& options);

// Bootstraps with KpmId/Kpm, runs the exchange, verifies the MEF's KeId/KreId against its own
// derivation and derives the keys the instructions name. Throws Error: Tls (handshake refused),
// Forbidden / BadRequest / ... (the MEF's ErrorString), Unavailable, Internal (identifier mismatch).
EnroleeCredentials enrol(const EnrolOptions& options);

// The same, and when the MEF instructs Certificate Enrolment (and the Enrolee said it supports it)
// the EST steps on the same session; `certificate` is left empty otherwise.
EnroleeCredentials enrol(const EnrolOptions& options, std::optional<EnroledCertificate>& certificate);

// GBA (seed 8.3.2.3 steps 1-3): a still-valid kept Ks/B-TID or a new Ub run, then enrol() with it.
// When the MEF refuses a kept B-TID (the BSF forgot or expired it early), bootstraps again once.
// `reusedBootstrapping` says whether the kept Ks served.
EnroleeCredentials enrolWithGba(EnrolOptions options, const BsfEndpoint& bsf, SimulatedUsim& usim,
                                const BootstrappedKeyFile& keyFile, std::optional<EnroledCertificate>& certificate,
                                bool& reusedBootstrapping);

// Renews the certificate of options.certificateBootstrap by /simplereenroll on a session it
// authenticates (no Enrolment Exchange): a new key pair and certificate for the same subject.
EnroledCertificate renewCertificate(const EnrolOptions& options);

}  // namespace rspf::enrolee
