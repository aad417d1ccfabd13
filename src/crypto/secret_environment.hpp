#pragma once
// No secret left in the environment (docs/security.md "Process hygiene"): other processes of the same
// user read it in /proc/<pid>/environ.
#include <optional>
#include <string_view>

#include "crypto/secret_bytes.hpp"

namespace rspf::crypto {

// Takes the variable `name` out of the environment: copies its value, overwrites the original
// "NAME=value" bytes in place (the memory /proc/self/environ shows) and unsets it. Read once: a second
// call finds nothing. nullopt when the variable is not set.
std::optional<SecretBytes> takeSecretFromEnvironment(std::string_view name);

}  // namespace rspf::crypto
