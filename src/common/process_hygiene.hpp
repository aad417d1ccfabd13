#pragma once
// What every rspf process does first (docs/security.md "Process hygiene"): no core dumps, which
// would write the KEK and every unsealed key to disk. (No secret left in the environment either:
// crypto/secret_environment.hpp.)

namespace rspf {

inline constexpr const char* kAllowCoreDumpsEnvironmentVariable = "RSPF_ALLOW_CORE_DUMPS";

// RLIMIT_CORE 0 and prctl(PR_SET_DUMPABLE, 0) (which also keeps ptrace and /proc/<pid>/mem from other
// processes of the user), unless `allowCoreDumps` (`--allow-core-dumps`) or $RSPF_ALLOW_CORE_DUMPS=1
// asks to keep them for debugging.
void disableCoreDumps(bool allowCoreDumps);
bool coreDumpsAllowedByEnvironment();

}  // namespace rspf
