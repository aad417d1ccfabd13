#include "cse_front/originator_policy.hpp"

#include "crypto/identifiers.hpp"

namespace rspf::cse_front {

OriginatorPolicy::OriginatorPolicy(OriginatorMapping mapping, std::vector<std::string> denied)
    : mapping_(std::move(mapping)), denied_(std::move(denied)) {}

std::string OriginatorPolicy::originatorOf(std::string_view enroleeId) const {
  std::string_view base = enroleeId;
  const auto& suffix = mapping_.stripSuffix;
  if (!suffix.empty() && base.size() > suffix.size() &&
      crypto::equalsIgnoreCase(base.substr(base.size() - suffix.size()), suffix))
    base.remove_suffix(suffix.size());
  return mapping_.prefix + std::string(base);
}

bool OriginatorPolicy::denied(std::string_view originator) const {
  for (std::string_view entry : denied_) {
    if (!entry.empty() && entry.back() == '*') {
      entry.remove_suffix(1);
      if (originator.size() >= entry.size() && crypto::equalsIgnoreCase(originator.substr(0, entry.size()), entry))
        return true;
    } else if (crypto::equalsIgnoreCase(originator, entry)) {
      return true;
    }
  }
  return false;
}

std::optional<std::string> OriginatorPolicy::refusal(std::string_view enroleeId,
                                                     const std::optional<std::string>& claimed) const {
  auto originator = originatorOf(enroleeId);
  if (denied(originator)) return "the authenticated Enrolee's originator is a privileged originator of the CSE";
  if (!claimed || claimed->empty() || *claimed == enroleeId || *claimed == originator) return std::nullopt;
  return "originator does not match the authenticated Enrolee";
}

}  // namespace rspf::cse_front
