#include "store/token_rules.hpp"

namespace rspf::store {

TokenRefusal checkTokenUse(const std::optional<TokenState>& token, std::string_view enroleeId, TimePoint now) {
  if (!token) return TokenRefusal::Unknown;
  if (token->revoked) return TokenRefusal::Revoked;
  if (token->expiresAt && toUnix(*token->expiresAt) <= toUnix(now)) return TokenRefusal::Expired;
  if (!token->boundEnroleeId.empty() && token->boundEnroleeId != enroleeId) return TokenRefusal::BoundToAnotherEnrolee;
  if (token->used) return TokenRefusal::AlreadyUsed;
  return TokenRefusal::None;
}

}  // namespace rspf::store
