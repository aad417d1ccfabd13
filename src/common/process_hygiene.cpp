#include "common/process_hygiene.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "common/error.hpp"

namespace rspf {

bool coreDumpsAllowedByEnvironment() {
  const char* value = std::getenv(kAllowCoreDumpsEnvironmentVariable);
  return value != nullptr && std::string_view(value) == "1";
}

void disableCoreDumps(bool allowCoreDumps) {
  if (allowCoreDumps || coreDumpsAllowedByEnvironment()) return;
  const rlimit none{0, 0};
  if (::setrlimit(RLIMIT_CORE, &none) != 0)
    throw Error(ErrorCode::Internal, std::string("cannot disable core dumps (RLIMIT_CORE): ") + std::strerror(errno));
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    throw Error(ErrorCode::Internal,
                std::string("cannot disable core dumps (PR_SET_DUMPABLE): ") + std::strerror(errno));
}

}  // namespace rspf
