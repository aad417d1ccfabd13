#pragma once
// Bootstrap Instruction Configuration of an Enrolee (seed 9.2.2.1, tables 9.2.2.1-1 and -2) as one
// signed file. The seed requires the mechanism to authenticate the configuration source and to
// protect the integrity of what it configures; the bundle is signed by the MEF's configuration key
// (EC P-256, ECDSA with SHA-256) and the Enrolee accepts it only from the signer it trusts.
//
// Format (project choice, docs/protocol.md "Bootstrap Instruction Configuration bundle"):
//   {"format": "rspf-bootstrap-instructions/1",
//    "payload": base64url(the payload's canonical JSON: sorted keys, no spaces),
//    "signature": base64url(DER ECDSA-Sig-Value over the payload bytes),
//    "signer": the configuration key's public key, PEM}
// The bundle carries no Kpm: the pre-provisioned key stays provisioned out of band.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ca/openssl_objects.hpp"
#include "common/time.hpp"

namespace rspf::config {

inline constexpr std::string_view kBootstrapBundleFormat = "rspf-bootstrap-instructions/1";

struct BootstrapInstructions {
  std::string enroleeId;                        // the Enrolee's assigned CSE-ID / AE-ID
  std::string kpmId;                            // its KpmId (pre-provisioned key framework); may be empty
  std::vector<std::string> enrolmentTargetIds;  // table 9.2.2.1-1: Enrolee B's AE-ID / CSE-ID, or MAF-ID
  std::string mefUri;                           // table 9.2.2.1-2: MEF URI
  std::string mefFqdn;                          // SNI and the suffix of KeId
  std::string mefTrustAnchorsPem;               // table 9.2.2.1-2: MEF TrustAnchor Information; may be empty
  std::optional<std::string> enrolmentToken;    // table 9.2.2.1-2: (optional) Enrolment Token
  std::chrono::seconds enrolmentExpiry{0};      // table 9.2.2.1-2: Enrolment Expiry (10.7)
  TimePoint issuedAt{};
  // The bundle's validity period (issue 10 item 7): refused after it. Unset (epoch) in bundles made
  // before it existed, which are accepted.
  TimePoint validUntil{};
};

// The validity of a bundle `rspf admin enrolee bundle` makes unless told otherwise (project choice).
inline constexpr std::chrono::seconds kDefaultBundleValidity = std::chrono::hours(24 * 30);

// The signed bundle (JSON text). `configurationKey` must be an EC P-256 private key.
std::string signBootstrapInstructions(const BootstrapInstructions& instructions, const EVP_PKEY& configurationKey);

// Checks that the bundle is signed by `trustedSigner` and that its signature verifies, then parses
// the payload. Throws Error(Forbidden) for a foreign signer, a signature that does not verify, or a
// bundle past its validUntil,
// Error(BadRequest) for a malformed bundle or a missing or invalid field (named in the message).
BootstrapInstructions verifyBootstrapInstructions(std::string_view bundle, const EVP_PKEY& trustedSigner);

// The trusted signer from a file: a PEM public key or a PEM / DER certificate. Throws Error(Config).
ca::EvpPkeyPtr loadBundleSigner(const std::filesystem::path& file);

}  // namespace rspf::config
