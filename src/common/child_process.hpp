#pragma once
// Starting the rspf roles (and independent clients such as openssl s_client) as real processes:
// used by `rspf demo` and by the integration tests.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace rspf {

// A background process, stdout and stderr appended to `logFile`. Terminated when destroyed.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& logFile,
               const std::vector<std::string>& extraEnvironment = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // SIGTERM, then SIGKILL after `grace`; returns the exit status (128+signal when killed).
  int terminate(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

struct ProcessResult {
  int exitCode = -1;
  std::string out;
  std::string err;
  bool timedOut = false;
};

// Runs to completion (killed after `timeout`), feeding `input` to its standard input.
ProcessResult runProcess(const std::vector<std::string>& argv, const std::string& input = "",
                         std::chrono::milliseconds timeout = std::chrono::seconds(30),
                         const std::vector<std::string>& extraEnvironment = {});

// Waits until `file` exists and holds a line "host:port" (a server's ready file); returns it.
// Throws std::runtime_error if `child` exits first or the timeout passes.
std::string waitForReadyFile(const std::filesystem::path& file, ChildProcess& child,
                             std::chrono::milliseconds timeout = std::chrono::seconds(15));

// The path of the running executable.
std::filesystem::path currentExecutable();

}  // namespace rspf
