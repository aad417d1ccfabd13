#pragma once
// The limits every duration and key size rspf accepts must keep (docs/security.md "Bounds"): a value
// past them is refused with a message naming the option, never wrapped into a date in year -28667.
#include <chrono>
#include <cstddef>
#include <string_view>

#include "common/error.hpp"

namespace rspf {

// Every configurable duration: Enrolment Expiry, token lifetime, certificate and CRL validity, rekey
// grace, revalidate_after, ... at most 10 years.
inline constexpr std::chrono::seconds kMaxDuration{std::chrono::hours(24) * 3650};
// Kpm: at least 128 bits; at most 64 bytes, the TLS PSK limit every implementation must support
// (RFC 4279 5.3): a longer key would not work with every Enrolee.
inline constexpr std::size_t kMinKpmBytes = 16;
inline constexpr std::size_t kMaxKpmBytes = 64;

// Parses `text` ("90s", "12h", "30d", or seconds) for `option`; refuses a malformed value, zero
// unless `allowZero`, and anything over kMaxDuration with Error(code) naming `option`.
std::chrono::seconds parseBoundedDuration(std::string_view text, std::string_view option, ErrorCode code,
                                          bool allowZero = false);
// The same bounds on a duration already parsed (e.g. from a stored policy or JSON).
void requireBoundedDuration(std::chrono::seconds value, std::string_view option, ErrorCode code,
                            bool allowZero = false);
// Error(code) unless kMinKpmBytes <= size <= kMaxKpmBytes.
void requireKpmSize(std::size_t size, ErrorCode code);

}  // namespace rspf
