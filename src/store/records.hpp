#pragma once
// What the MEF keeps: Enrolees with their Bootstrap Credential and policy, Enrolment Keys,
// Enrolment Targets allowed to fetch keys, and enrolment tokens (seed 8.3.1.2, 8.3.3.1, 9.2.2.3).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.hpp"
#include "crypto/secret_bytes.hpp"

namespace rspf::store {

// One (Enrolee B-ID / Target-ID, communication security type) pair the Enrolee may derive a key
// for directly (seed 8.3.3.1 step 9).
struct DirectKeyPair {
  std::string targetId;  // FQDN form of the CSE-ID / AE-ID
  std::string usage;     // "SAEF", "ESPrim", "ESData"
  bool operator==(const DirectKeyPair&) const = default;
};

// Remote MAF Enrolment instruction (seed 8.3.3.4); data only until the MAF exists.
struct MafInstruction {
  std::string mafId;
  std::string mafUri;
  std::string credentialType = "symmetric";  // "symmetric" | "certificate"
  std::vector<std::string> usages;
  bool operator==(const MafInstruction&) const = default;
};

// Certificate Enrolment (seed 8.3.3.3): what the Enrolee's certificate may name and be used for.
struct CertificatePolicy {
  std::string subjectType = "cse";  // "cse" (CSE-ID, dNSName), "ae" (AE-ID, URI), "node", "device"
  std::vector<std::string> usages;  // communication security types: "SAEF", "ESPrim", "ESData", "MAF"
  std::chrono::seconds validity{std::chrono::hours(24 * 365)};
  std::string caLabel;           // "" = the default CA
  bool requireApproval = false;  // simpleenroll answers 202 until an administrator approves
  bool operator==(const CertificatePolicy&) const = default;
};

enum class TokenRequirement { Optional, Required };

// The MEF's preferences for provisioning one Enrolee (seed 8.3.3.1 pre-conditions).
struct EnrolmentPolicy {
  std::vector<DirectKeyPair> directKeys;
  std::optional<MafInstruction> maf;
  std::optional<CertificatePolicy> certificate;
  std::string registrarCseId;
  std::chrono::seconds enrolmentExpiry{std::chrono::hours(24 * 30)};  // Enrolment Expiry, 10.7
  TokenRequirement token = TokenRequirement::Optional;
  // Each Enrolment Exchange waits for the MEF's approval webhook ([approval] webhook) to approve it.
  bool requireEnrolmentApproval = false;
  bool operator==(const EnrolmentPolicy&) const = default;
};

// How an Enrolee is recognised by a bootstrap framework other than by its KpmId: the certificate
// information of TS-0003 8.1.2.4, or its GBA identity (seed 8.3.2.3). One (kind, value) names at most
// one Enrolee.
struct BootstrapIdentity {
  static constexpr std::string_view kRawPublicKey = "raw-public-key";           // value: RFC 6920 ni URI
  static constexpr std::string_view kDeviceCertificate = "device-certificate";  // value: device ID
  static constexpr std::string_view kGba = "gba";                               // value: IMPI
  std::string kind;
  std::string value;
  std::string enroleeId;
  std::string trustAnchorPem;  // device-certificate: the anchor the device certificate chains to
  TimePoint createdAt{};
  bool operator==(const BootstrapIdentity&) const = default;
};

struct Enrolee {
  std::string enroleeId;  // assigned CSE-ID or AE-ID (FQDN form)
  std::string kpmId;      // KpmId; empty when the Enrolee has no pre-provisioned key
  crypto::SecretBytes kpm;
  bool enabled = true;
  EnrolmentPolicy policy;
  TimePoint createdAt{};
  // Stored by addEnrolee in the same transaction; read back with Store::listBootstrapIdentities.
  std::vector<BootstrapIdentity> bootstrapIdentities;
};

// What the Enrolment Exchange needs to know about an Enrolee: no secret (Kpm stays sealed).
struct EnroleeStatus {
  std::string enroleeId;
  bool enabled = true;
  EnrolmentPolicy policy;
};

// An Enrolment Key and what came with it (seed 8.3.3.2 step 4).
struct EnrolmentKey {
  std::string relativeKeId;  // 32 lowercase hex digits; KeId = relativeKeId "@" MEF-FQDN
  std::string enroleeId;
  crypto::SecretBytes ke;
  std::string kreId;  // full KreId, "...@MEF-FQDN"
  crypto::SecretBytes kre;
  std::string framework;   // bootstrap framework that produced it: "psk", "reauth", ...
  std::string keyProfile;  // "current" | "legacy"
  TimePoint createdAt{};
  TimePoint expiry{};
  std::string tokenId;                      // the enrolment token used, if any
  std::string tokenAux;                     // that token's auxiliary information
  std::vector<std::string> completedSteps;  // "certificateEnrolment", "mafEnrolment"
  // Replaced by a newer key and served only until `expiry`, which the rotation capped at the end of
  // its grace period (Store::commitEnrolment).
  bool retired = false;
};

// What MEF Key Retrieval (seed 8.3.3.6) reads of an Enrolment Key: Ke, from which it derives the
// credential a target asks for, and what that derivation and its answer need. Kre stays sealed.
struct RetrievableKey {
  std::string enroleeId;
  crypto::SecretBytes ke;
  std::string keyProfile;  // "current" | "legacy"
  TimePoint expiry{};
  bool retired = false;  // as EnrolmentKey::retired
};

// A CSE / AE / MAF identity allowed to perform MEF Key Retrieval (seed 8.3.3.6).
struct EnrolmentTarget {
  std::string targetId;
  std::string type;  // "CSE" | "AE" | "MAF"
  TimePoint createdAt{};
};

// Enrolment token (seed 8.3.1.2 NOTE 2): the value itself is never stored, only its SHA-256.
struct EnrolmentToken {
  std::string tokenId;         // short public handle for list / revoke
  crypto::Bytes tokenHash;     // SHA-256 of the token value
  std::string boundEnroleeId;  // empty: any Enrolee
  std::string auxInfo;
  TimePoint createdAt{};
  std::optional<TimePoint> expiresAt;
  std::optional<TimePoint> usedAt;
  std::string usedBy;
  bool revoked = false;
};

// An embedded Certificate Authority (ca/embedded_ca.hpp): its certificate and its private key,
// sealed by the caller under the key-encryption key (never stored in plain text).
struct CertificateAuthorityRecord {
  std::string label;  // "" for the default CA; EST's optional label path segment (PROTOCOL.md 4.2)
  crypto::Bytes certificateDer;
  crypto::Bytes sealedPrivateKey;
  TimePoint createdAt{};
};

// A certificate the MEF had issued (seed 8.3.3.3 steps 11-14), kept for audit and revocation.
struct IssuedCertificateRecord {
  std::string serialHex;
  std::string caLabel;
  std::string enroleeId;
  std::string subject;  // the identifier the certificate names
  TimePoint notBefore{};
  TimePoint notAfter{};
  TimePoint issuedAt{};
  crypto::Bytes der;
  std::optional<TimePoint> revokedAt;  // set once: revocation is final (RFC 5280 5.3.1)
  std::string revocationReason;        // RFC 5280 CRLReason name, e.g. "keyCompromise"
};

// A certificate request held for approval (RFC 7030 4.2.3: 202 + Retry-After until then).
struct PendingCertificateRequest {
  std::string enroleeId;
  std::string caLabel;
  std::string publicKeySha256;  // hex SHA-256 of the CSR's SubjectPublicKeyInfo
  crypto::Bytes csrDer;
  TimePoint createdAt{};
  bool approved = false;
};

// One entry of the audit log (issue 5 item 7): who did what to whom, and how it ended. Never a
// secret: identifiers, outcomes and reasons only.
struct AuditEntry {
  std::uint64_t seq = 0;  // assigned by the store: 1, 2, 3, ...
  TimePoint at{};
  std::string actor;    // "psk:cse1.example.com", "admin", ...
  std::string action;   // "bootstrap", "enrolment_exchange", "certificate_issued", "admin.enrolee.add", ...
  std::string subject;  // what it concerns: an Enrolee-ID, a certificate serial, a key identifier
  std::string outcome;  // "success", "refused", "forbidden", ...
  std::string detail;   // free text (a refusal's reason)
  bool operator==(const AuditEntry&) const = default;
};

// A point of the audit chain: entry `seq` and its MAC (seq 0: the chain's start, 32 zero bytes), with
// `mac` = HMAC(audit key, "rspf audit checkpoint" ‖ seq ‖ entryMac), so that nobody without the KEK can
// move the log's start forward past entries they removed.
struct AuditCheckpoint {
  std::uint64_t seq = 0;
  crypto::Bytes entryMac;
  crypto::Bytes mac;
  bool operator==(const AuditCheckpoint&) const = default;
};

// The entries start.seq + 1 .. end.seq of the audit log with their MACs: what an archive holds.
struct AuditSegment {
  AuditCheckpoint start;
  AuditCheckpoint end;
  std::vector<AuditEntry> entries;
  std::vector<crypto::Bytes> macs;  // one per entry
};

// The result of checking the audit log's chain.
struct AuditVerification {
  bool intact = true;
  std::uint64_t entries = 0;
  std::uint64_t firstBadSeq = 0;  // when not intact
  std::string problem;            // "entry 5 was altered", "entry 7 is missing", ...
};

}  // namespace rspf::store
