#include "common/bounds.hpp"

#include <string>

#include "common/time.hpp"

namespace rspf {

void requireBoundedDuration(std::chrono::seconds value, std::string_view option, ErrorCode code, bool allowZero) {
  if (value.count() < 0 || (value.count() == 0 && !allowZero))
    throw Error(code, std::string(option) + " must be " + (allowZero ? "zero or more" : "positive"));
  if (value > kMaxDuration)
    throw Error(code, std::string(option) + " must be at most " + formatDuration(kMaxDuration) + " (10 years), got " +
                          formatDuration(value));
}

std::chrono::seconds parseBoundedDuration(std::string_view text, std::string_view option, ErrorCode code,
                                          bool allowZero) {
  auto d = parseDuration(text);
  if (!d)
    throw Error(code, std::string(option) + " takes a duration such as 90s, 15m, 12h or 30d (at most " +
                          formatDuration(kMaxDuration) + ")");
  requireBoundedDuration(*d, option, code, allowZero);
  return *d;
}

void requireKpmSize(std::size_t size, ErrorCode code) {
  if (size < kMinKpmBytes || size > kMaxKpmBytes)
    throw Error(code, "Kpm must be at least " + std::to_string(kMinKpmBytes) + " bytes (128 bits) and at most " +
                          std::to_string(kMaxKpmBytes) + " bytes (the TLS-PSK limit), got " + std::to_string(size));
}

}  // namespace rspf
