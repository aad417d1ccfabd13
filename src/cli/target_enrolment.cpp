#include <spdlog/spdlog.h>

#include <filesystem>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "crypto/key_file.hpp"
#include "enrolee/enrolment_client.hpp"

namespace rspf::cli {

target::OwnEnrolment targetOwnEnrolment(const target::TargetConfig& c) {
  enrolee::CredentialFile file{c.credentialFile, std::nullopt};
  auto own = [](enrolee::EnroleeCredentials credentials) {
    return target::OwnEnrolment{credentials.mefUrl, credentials.mefFqdn, credentials.kreId, std::move(credentials.kre),
                                credentials.expiry};
  };
  if (std::filesystem::exists(c.credentialFile)) {
    try {
      auto existing = file.load();
      if (existing.expiry > now() + std::chrono::minutes(1) && existing.mefFqdn == c.mefFqdn) {
        spdlog::info("target '{}' reuses its enrolment {} (expires {})", c.id, existing.kreId,
                     toRfc3339(existing.expiry));
        return own(std::move(existing));
      }
    } catch (const Error& e) {
      spdlog::warn("target '{}' enrols again: {}", c.id, e.what());
    }
  }
  enrolee::EnrolOptions options;
  options.mefUrl = c.mefUrl;
  options.mefFqdn = c.mefFqdn;
  options.kpmId = c.kpmId;
  options.kpm = readHexKeyFile(c.kpmFile, "Kpm");
  auto credentials = enrolee::enrol(options);
  file.save(credentials);
  spdlog::info("target '{}' enrolled with the MEF: KreId {}", c.id, credentials.kreId);
  return own(std::move(credentials));
}

}  // namespace rspf::cli
