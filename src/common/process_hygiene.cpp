#include "common/process_hygiene.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "common/error.hpp"

extern char** environ;

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

std::optional<crypto::SecretBytes> takeSecretFromEnvironment(std::string_view name) {
  static std::mutex mutex;  // the environment is one per process
  std::lock_guard lock(mutex);
  const std::string prefix = std::string(name) + "=";
  char* entry = nullptr;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    if (std::strncmp(*e, prefix.c_str(), prefix.size()) == 0) entry = *e;
  if (entry == nullptr) return std::nullopt;
  const std::size_t length = std::strlen(entry);
  crypto::SecretBytes value(crypto::asBytes(std::string_view(entry + prefix.size(), length - prefix.size())));
  ::unsetenv(prefix.substr(0, name.size()).c_str());
  // The entry's bytes: in the initial environment block when the variable came with exec (what
  // /proc/self/environ reads), else memory setenv allocated. Nobody points at them any more.
  crypto::wipe(entry, length);
  return value;
}

}  // namespace rspf
