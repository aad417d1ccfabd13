#pragma once
// Wall-clock instants and durations as the wire and the configuration spell them.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace rspf {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::sys_seconds;

TimePoint now();
std::string toRfc3339(TimePoint t);                            // 2026-12-28T00:00:00Z
std::optional<TimePoint> parseRfc3339(std::string_view text);  // UTC "Z" form only
// "90s", "15m", "12h", "30d", or a bare number of seconds.
std::optional<std::chrono::seconds> parseDuration(std::string_view text);
std::string formatDuration(std::chrono::seconds d);
std::int64_t toUnix(TimePoint t);
TimePoint fromUnix(std::int64_t seconds);

}  // namespace rspf
