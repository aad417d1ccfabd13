#pragma once
// Enrolment tokens (seed 8.3.1.2 NOTE 2, 8.3.3.1 step 3): single-use random values issued by the
// M2M SP / MTE, optionally bound to one Enrolee, carrying auxiliary information.
#include <optional>
#include <string>

#include "store/records.hpp"

namespace rspf::procedures {

inline constexpr std::size_t kEnrolmentTokenRandomBytes = 24;  // 192 bits (at least 128 required)
inline constexpr std::size_t kMaxEnrolmentTokenLength = 256;

struct IssuedEnrolmentToken {
  std::string value;  // shown once; only its hash is stored
  store::EnrolmentToken record;
};

IssuedEnrolmentToken issueEnrolmentToken(std::string boundEnroleeId, std::string auxInfo,
                                         std::optional<TimePoint> expiresAt);
crypto::Bytes hashEnrolmentToken(std::string_view value);

}  // namespace rspf::procedures
