#include "crypto/secret_environment.hpp"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

extern char** environ;

namespace rspf::crypto {

std::optional<SecretBytes> takeSecretFromEnvironment(std::string_view name) {
  static std::mutex mutex;  // the environment is one per process
  std::lock_guard lock(mutex);
  const std::string prefix = std::string(name) + "=";
  char* entry = nullptr;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    if (std::strncmp(*e, prefix.c_str(), prefix.size()) == 0) entry = *e;
  if (entry == nullptr) return std::nullopt;
  const std::size_t length = std::strlen(entry);
  SecretBytes value(asBytes(std::string_view(entry + prefix.size(), length - prefix.size())));
  ::unsetenv(prefix.substr(0, name.size()).c_str());
  // The entry's bytes: in the initial environment block when the variable came with exec (what
  // /proc/self/environ reads), else memory setenv allocated. Nobody points at them any more.
  wipe(entry, length);
  return value;
}

}  // namespace rspf::crypto
