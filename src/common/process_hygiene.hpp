#pragma once
// What every rspf process does first (docs/security.md "Process hygiene"): no core dumps, which
// would write the KEK and every unsealed key to disk, and no secret left in the environment, which
// other processes of the same user read in /proc/<pid>/environ.
#include <optional>
#include <string_view>

#include "crypto/secret_bytes.hpp"

namespace rspf {

inline constexpr const char* kAllowCoreDumpsEnvironmentVariable = "RSPF_ALLOW_CORE_DUMPS";

// RLIMIT_CORE 0 and prctl(PR_SET_DUMPABLE, 0) (which also keeps ptrace and /proc/<pid>/mem from other
// processes of the user), unless `allowCoreDumps` (`--allow-core-dumps`) or $RSPF_ALLOW_CORE_DUMPS=1
// asks to keep them for debugging.
void disableCoreDumps(bool allowCoreDumps);
bool coreDumpsAllowedByEnvironment();

// Takes the variable `name` out of the environment: copies its value, overwrites the original
// "NAME=value" bytes in place (the memory /proc/self/environ shows) and unsets it. Read once: a second
// call finds nothing. nullopt when the variable is not set.
std::optional<crypto::SecretBytes> takeSecretFromEnvironment(std::string_view name);

}  // namespace rspf
