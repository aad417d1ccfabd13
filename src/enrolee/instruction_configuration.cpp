#include "enrolee/instruction_configuration.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::enrolee {

std::vector<std::string> instructedTargetIds(const EnroleeCredentials& c) {
  std::vector<std::string> ids;
  for (const auto& instruction : c.instructions) {
    if (!instruction.is_object()) continue;
    auto type = instruction.value("type", "");
    if (type == "directKeys" && instruction.contains("pairs") && instruction["pairs"].is_array()) {
      for (const auto& pair : instruction["pairs"])
        if (pair.is_object()) ids.push_back(pair.value("targetId", ""));
    } else if (type == "mafEnrolment") {
      ids.push_back(instruction.value("mafId", ""));
    }
  }
  return ids;
}

std::vector<std::string> checkInstructions(const EnroleeCredentials& c, const ConfiguredInstructions& configured) {
  std::vector<std::string> warnings;
  if (!configured.enrolmentTargetIds.empty()) {
    auto instructed = instructedTargetIds(c);
    std::vector<std::string> missing;
    for (const auto& id : configured.enrolmentTargetIds)
      if (std::none_of(instructed.begin(), instructed.end(),
                       [&](const std::string& t) { return crypto::equalsIgnoreCase(t, id); }))
        missing.push_back(id);
    if (missing.size() == configured.enrolmentTargetIds.size()) {
      std::string names;
      for (const auto& id : missing) names += (names.empty() ? "'" : ", '") + id + "'";
      throw Error(ErrorCode::Forbidden, "the MEF's instructions do not include the Enrolment Target " + names +
                                            " this Enrolee was configured with (seed 9.2.2.1); the enrolment is "
                                            "not kept");
    }
    for (const auto& id : missing)
      warnings.push_back("the MEF's instructions do not include the configured Enrolment Target '" + id + "'");
  }
  if (configured.enrolmentExpiry) {
    auto granted = std::chrono::duration_cast<std::chrono::seconds>(c.expiry - c.enrolledAt);
    // A few seconds of the exchange's own duration are not a shorter expiry.
    if (granted + std::chrono::seconds(5) < *configured.enrolmentExpiry)
      warnings.push_back("the MEF's Enrolment Expiry (" + formatDuration(granted) + ", until " + toRfc3339(c.expiry) +
                         ") is shorter than the configured " + formatDuration(*configured.enrolmentExpiry));
  }
  return warnings;
}

}  // namespace rspf::enrolee
