#include "as_enrolee/target_enrolment.hpp"

#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "crypto/key_file.hpp"
#include "enrolee/enrolment_client.hpp"

namespace rspf::as_enrolee {
namespace {

// Bootstrap with the target's Kpm, or (`current` set) re-authenticate with its KreId/Kre.
enrolee::EnrolOptions enrolOptions(const target::TargetConfig& c, const target::OwnEnrolment* current) {
  enrolee::EnrolOptions options;
  options.mefUrl = c.mefUrl;
  options.mefFqdn = c.mefFqdn;
  options.kpmId = current ? current->kreId : c.kpmId;
  options.kpm = current ? current->kre : readHexKeyFile(c.kpmFile, "Kpm");
  return options;
}

// By re-authentication with the KreId/Kre of `current` while they are valid (no bootstrap
// credential needed), else with the Kpm as at the first start.
enrolee::EnroleeCredentials renewedEnrolment(const target::TargetConfig& c, const target::OwnEnrolment& current) {
  if (current.expiry > now()) {
    try {
      return enrolee::enrol(enrolOptions(c, &current));
    } catch (const Error& e) {
      if (e.code() != ErrorCode::Tls) throw;
      spdlog::warn("target '{}': the MEF refused its KreId {} ({}); enrolling with its Kpm", c.id, current.kreId,
                   e.what());
    }
  }
  return enrolee::enrol(enrolOptions(c, nullptr));
}

}  // namespace

target::OwnEnrolment ownEnrolmentOf(const enrolee::EnroleeCredentials& credentials) {
  return {.mefUrl = credentials.mefUrl,
          .mefFqdn = credentials.mefFqdn,
          .kreId = credentials.kreId,
          .kre = credentials.kre,
          .enrolledAt = credentials.enrolledAt,
          .expiry = credentials.expiry};
}

target::OwnEnrolment TargetEnrolment::obtain() {
  const auto& c = config_;
  enrolee::CredentialFile file{c.credentialFile, std::nullopt};
  if (std::filesystem::exists(c.credentialFile)) {
    try {
      auto existing = file.load();
      if (existing.expiry > now() + std::chrono::minutes(1) && existing.mefFqdn == c.mefFqdn) {
        spdlog::info("target '{}' reuses its enrolment {} (expires {})", c.id, existing.kreId,
                     toRfc3339(existing.expiry));
        return ownEnrolmentOf(existing);
      }
    } catch (const Error& e) {
      spdlog::warn("target '{}' enrols again: {}", c.id, e.what());
    }
  }
  auto credentials = enrolee::enrol(enrolOptions(c, nullptr));
  file.save(credentials);
  spdlog::info("target '{}' enrolled with the MEF: KreId {}", c.id, credentials.kreId);
  return ownEnrolmentOf(credentials);
}

target::OwnEnrolment TargetEnrolment::renew(const target::OwnEnrolment& current) {
  auto fresh = renewedEnrolment(config_, current);
  enrolee::CredentialFile{config_.credentialFile, std::nullopt}.save(fresh);
  return ownEnrolmentOf(fresh);
}

}  // namespace rspf::as_enrolee
