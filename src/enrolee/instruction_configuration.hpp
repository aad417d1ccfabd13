#pragma once
// The Enrolee's Bootstrap Instruction Configuration (seed 9.2.2.1, tables 9.2.2.1-1 and -2) held
// against what the MEF instructed (issue 10 item 7): the Enrolment Target identity and the Enrolment
// Expiry it was configured with (on the command line or in a signed bundle).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "enrolee/enrolee_credentials.hpp"

namespace rspf::enrolee {

struct ConfiguredInstructions {
  std::vector<std::string> enrolmentTargetIds;          // Enrolee B's AE-ID / CSE-ID, or MAF-ID
  std::optional<std::chrono::seconds> enrolmentExpiry;  // the Enrolment Expiry (10.7) configured
};

// The Enrolment Targets the MEF's instructions name: directKeys pairs and the mafEnrolment MAF-ID.
std::vector<std::string> instructedTargetIds(const EnroleeCredentials& credentials);

// Throws Error(Forbidden) when targets are configured and the instructions name none of them (the
// Enrolee was not provisioned for what it was configured for); returns warnings: a configured target
// the instructions do not name (one of several), an Enrolment Expiry shorter than configured.
std::vector<std::string> checkInstructions(const EnroleeCredentials& credentials,
                                           const ConfiguredInstructions& configured);

}  // namespace rspf::enrolee
