#pragma once
// Administration of the MEF's store (seed 9.2.2.3, Bootstrap Instruction Configuration of MEFs):
// Enrolees and their policies, Enrolment Targets, enrolment tokens. Binding-neutral; the CLI
// (and later an admin API) call these.
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <optional>

#include "procedures/enrolment_token.hpp"
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
// What addEnrolee checks and stores, without storing it (bulk import stores a batch at once);
// a generated Kpm goes into `result`. The same errors, Conflict apart (the store's).
store::Enrolee enroleeToAdd(AddEnroleeRequest request, AddEnroleeResult& result);
void validatePolicy(const store::EnrolmentPolicy& policy);
void addTarget(store::Store& store, const std::string& targetId, const std::string& type);

// These throw Error(NotFound) naming what does not exist.
void setEnroleeEnabled(store::Store& store, const std::string& enroleeId, bool enabled);
void removeEnrolee(store::Store& store, const std::string& enroleeId);
void removeTarget(store::Store& store, const std::string& targetId);
void revokeEnrolmentToken(store::Store& store, const std::string& tokenId);
void approveCertificateRequest(store::Store& store, const std::string& enroleeId);
// Applies `change` to the Enrolee's policy, validates the result and stores it; returns it.
// Throws Error(NotFound), Error(BadRequest) (then nothing changes).
store::EnrolmentPolicy changeEnroleePolicy(store::Store& store, const std::string& enroleeId,
                                           const std::function<void(store::EnrolmentPolicy&)>& change);
// Issues and stores an enrolment token, optionally bound to an existing Enrolee; its value is in
// the result only. Throws Error(NotFound) for an unknown Enrolee.
procedures::IssuedEnrolmentToken createEnrolmentToken(store::Store& store, const std::string& boundEnroleeId,
                                                      const std::string& auxInfo,
                                                      std::optional<std::chrono::seconds> validity);

// Views without secrets, for `--json` and readable output.
nlohmann::json describeEnrolee(const store::Enrolee& enrolee, const std::optional<store::EnrolmentKey>& key,
                               const std::string& mefFqdn);
nlohmann::json describePolicy(const store::EnrolmentPolicy& policy);
nlohmann::json describeTarget(const store::EnrolmentTarget& target);
nlohmann::json describeToken(const store::EnrolmentToken& token);
nlohmann::json describePendingCertificateRequest(const store::PendingCertificateRequest& request);
nlohmann::json describeIssuedCertificate(const store::IssuedCertificateRecord& certificate);
// One Enrolee with its bootstrap identities and current enrolment (Error(NotFound)), or all of them.
nlohmann::json describeEnroleeIn(store::Store& store, const std::string& enroleeId, const std::string& mefFqdn);
nlohmann::json describeEnrolees(store::Store& store, const std::string& mefFqdn);

}  // namespace rspf::admin
