#pragma once
// What an Enrolee keeps after enrolment (seed 8.3.3.1 steps 2, 10; 8.3.3.2 step 4): its Enrolment
// Key and Re-Authentication Key with their identifiers, the MEF's instructions, and the keys it
// derived for its Enrolment Targets.
//
// On disk: a JSON file, mode 0600, in which every secret (Ke, Kre, derived keys) is sealed with
// AES-256-GCM under a credential key held apart from it: the file named by --credential-key
// (default: the credential file's path + ".key", 64 hex digits, mode 0600, created on first save)
// or $RSPF_CREDENTIAL_KEY. The associated data binds each sealed value to its KeId and role.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "crypto/provisioned_keys.hpp"
#include "crypto/secret_bytes.hpp"

namespace rspf::enrolee {

inline constexpr const char* kCredentialKeyEnvironmentVariable = "RSPF_CREDENTIAL_KEY";

// A key derived for one Enrolment Target and communication security type.
struct TargetKey {
  std::string targetId;
  std::string usage;          // "SAEF", "ESPrim", "ESData", "MAF"
  std::string keyIdentifier;  // derived key identifier (PROTOCOL.md 3)
  crypto::SecretBytes key;
  bool presented = false;  // KeId was already presented once; later handshakes use keyIdentifier
  std::string kmId;        // MAF only: the KmId the MAF assigned (Remote MAF Enrolment, seed 8.3.3.4)
};

struct EnroleeCredentials {
  std::string mefUrl;
  std::string mefFqdn;
  std::string pskIdentity;  // what this Enrolee bootstrapped with (KpmId)
  std::string keId;
  std::string relativeKeId;
  crypto::SecretBytes ke;
  std::string kreId;
  crypto::SecretBytes kre;
  TimePoint expiry{};
  TimePoint enrolledAt{};  // when the Enrolment Exchange ran: the lifetime is expiry - enrolledAt
  crypto::KeyProfile keyProfile = crypto::KeyProfile::Current;
  nlohmann::json instructions = nlohmann::json::array();
  std::vector<TargetKey> targetKeys;

  const TargetKey* findTargetKey(std::string_view targetId, std::optional<std::string_view> usage) const;
  TargetKey* findTargetKey(std::string_view targetId, std::optional<std::string_view> usage);
};

struct CredentialFile {
  std::filesystem::path path;
  std::optional<std::filesystem::path> keyFile;  // default: path + ".key"

  void save(const EnroleeCredentials& credentials) const;  // atomic replace, mode 0600
  EnroleeCredentials load() const;                         // throws Error(Config)
};

// The credential key: $RSPF_CREDENTIAL_KEY, else the file's key file (created when `create`).
// Also seals the Enrolee's GBA bootstrapping state (enrolee/gba_bootstrap.hpp).
crypto::SecretBytes credentialKey(const CredentialFile& file, bool create);

}  // namespace rspf::enrolee
