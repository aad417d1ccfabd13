#pragma once
// When an enrolment token may be used (seed 8.3.1.2 NOTE 2), the same in every backend. The
// backend finds the token by its hash inside the enrolment's transaction, asks checkTokenUse, and
// consumes it with a conditional write ("... WHERE used_at IS NULL"): of two concurrent uses only
// one changes the row; the other is AlreadyUsed. Nothing is written on a refusal.
#include <optional>
#include <string>
#include <string_view>

#include "common/time.hpp"
#include "store/store.hpp"

namespace rspf::store {

// What the rules read of a stored token.
struct TokenState {
  std::string tokenId;
  std::string boundEnroleeId;  // empty: any Enrolee
  std::string auxInfo;
  std::optional<TimePoint> expiresAt;
  bool used = false;
  bool revoked = false;
};

// The refusal for using `token` (nullopt: no token has that hash) by `enroleeId` at `now`, or None.
// Order: unknown, revoked, expired, bound to another Enrolee, already used.
TokenRefusal checkTokenUse(const std::optional<TokenState>& token, std::string_view enroleeId, TimePoint now);

}  // namespace rspf::store
