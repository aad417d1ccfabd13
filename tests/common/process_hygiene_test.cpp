// common/process_hygiene: no core dumps, no secret left in the environment (issue 9: a forced crash
// wrote the raw KEK into `core`; $RSPF_KEK stayed readable in /proc/<pid>/environ).
#include "common/process_hygiene.hpp"
#include "crypto/secret_environment.hpp"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace rspf {
namespace {

// Runs `f` in a forked child; its return value is the child's exit status.
template <class F>
int inChild(F&& f) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(f());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

int coreDumpState() {
  rlimit limit{};
  ::getrlimit(RLIMIT_CORE, &limit);
  const bool dumpable = ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1;
  return (dumpable ? 1 : 0) | (limit.rlim_cur != 0 || limit.rlim_max != 0 ? 2 : 0);
}

TEST(ProcessHygiene, CoreDumpsAreDisabled) {
  EXPECT_EQ(inChild([] {
              const rlimit some{1 << 20, RLIM_INFINITY};
              ::setrlimit(RLIMIT_CORE, &some);
              ::unsetenv(kAllowCoreDumpsEnvironmentVariable);
              disableCoreDumps(false);
              return coreDumpState();
            }),
            0);
}

TEST(ProcessHygiene, CoreDumpsStayWhenAskedForDebugging) {
  auto keeps = [](bool flag, const char* env) {
    return inChild([&] {
      const rlimit some{1 << 20, RLIM_INFINITY};
      ::setrlimit(RLIMIT_CORE, &some);
      ::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
      if (env) ::setenv(kAllowCoreDumpsEnvironmentVariable, env, 1);
      disableCoreDumps(flag);
      return coreDumpState();
    });
  };
  EXPECT_EQ(keeps(true, nullptr), 3);  // --allow-core-dumps
  EXPECT_EQ(keeps(false, "1"), 3);     // RSPF_ALLOW_CORE_DUMPS=1
  EXPECT_EQ(keeps(false, "yes"), 0);   // only "1" opts out
}

// The /proc/<pid>/environ of a running MEF: tests/integration/process_hygiene_test.cpp.
TEST(ProcessHygiene, ASecretIsTakenFromTheEnvironmentOnce) {
  ::setenv("RSPF_TEST_SECRET", "0123456789abcdef-secret", 1);
  auto taken = crypto::takeSecretFromEnvironment("RSPF_TEST_SECRET");
  ASSERT_TRUE(taken);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(taken->data()), taken->size()), "0123456789abcdef-secret");
  EXPECT_EQ(std::getenv("RSPF_TEST_SECRET"), nullptr);
  EXPECT_FALSE(crypto::takeSecretFromEnvironment("RSPF_TEST_SECRET"));  // read once
  EXPECT_FALSE(crypto::takeSecretFromEnvironment("RSPF_TEST_NEVER_SET"));
}

}  // namespace
}  // namespace rspf
