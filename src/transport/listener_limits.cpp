#include "transport/listener_limits.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <mutex>

namespace rspf::transport {

std::size_t raiseFileDescriptorLimit() {
  static std::once_flag once;
  std::call_once(once, [] {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
    rlim_t before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) == 0)
      spdlog::debug("file-descriptor limit raised from {} to {}", before, limit.rlim_cur);
  });
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1 << 20;
  return static_cast<std::size_t>(limit.rlim_cur);
}

std::size_t defaultMaxConnections(std::size_t fileDescriptorLimit) {
  constexpr std::size_t kReserve = 256;
  std::size_t available = fileDescriptorLimit > kReserve ? fileDescriptorLimit - kReserve : 0;
  return std::max<std::size_t>(16, available / 4 * 3);
}

ListenerLimits resolved(ListenerLimits limits) {
  std::size_t fds = raiseFileDescriptorLimit();
  if (limits.maxConnections == 0) limits.maxConnections = defaultMaxConnections(fds);
  return limits;
}

}  // namespace rspf::transport
