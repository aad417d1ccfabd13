#pragma once
// Administration of the MEF's store (seed 9.2.2.3, Bootstrap Instruction Configuration of MEFs):
// Enrolees and their policies, Enrolment Targets, enrolment tokens. Binding-neutral; the CLI
// (and later an admin API) call these.
#include <nlohmann/json.hpp>

#include <optional>

#include "store/store.hpp"

namespace rspf::admin {

inline constexpr std::size_t kGeneratedKpmBytes = 32;

struct AddEnroleeRequest {
  std::string enroleeId;
  std::string kpmId;                       // empty: no pre-provisioned key
  std::optional<crypto::SecretBytes> kpm;  // with a KpmId; nullopt: generate one
  store::EnrolmentPolicy policy;
  std::vector<store::BootstrapIdentity> bootstrapIdentities = {};  // bootstrap_identity_registration.hpp
};

struct AddEnroleeResult {
  std::optional<crypto::SecretBytes> generatedKpm;  // to show once
};

// Throws Error(BadRequest) for an invalid identifier or policy, or an Enrolee with neither a KpmId
// nor another bootstrap identity; Error(Conflict) when it or one of its identities exists.
AddEnroleeResult addEnrolee(store::Store& store, AddEnroleeRequest request);
void validatePolicy(const store::EnrolmentPolicy& policy);
void addTarget(store::Store& store, const std::string& targetId, const std::string& type);

// Views without secrets, for `--json` and readable output.
nlohmann::json describeEnrolee(const store::Enrolee& enrolee, const std::optional<store::EnrolmentKey>& key,
                               const std::string& mefFqdn);
nlohmann::json describePolicy(const store::EnrolmentPolicy& policy);
nlohmann::json describeTarget(const store::EnrolmentTarget& target);
nlohmann::json describeToken(const store::EnrolmentToken& token);

}  // namespace rspf::admin
