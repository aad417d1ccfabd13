#include "common/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace rspf {
namespace {

std::vector<std::string> environmentWith(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    auto name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& x : extra) overridden |= x.substr(0, x.find('=')) == name;
    if (!overridden) env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> p;
  for (auto& s : strings) p.push_back(s.data());
  p.push_back(nullptr);
  return p;
}

pid_t spawn(std::vector<std::string> argv, posix_spawn_file_actions_t* actions, const std::vector<std::string>& extra) {
  auto env = environmentWith(extra);
  auto argp = pointers(argv);
  auto envp = pointers(env);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argp[0], actions, nullptr, argp.data(), envp.data());
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

int decode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::optional<int> waitFor(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return decode(status);
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& logFile,
                           const std::vector<std::string>& extraEnvironment) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  try {
    pid_ = spawn(argv, &actions, extraEnvironment);
  } catch (...) {
    posix_spawn_file_actions_destroy(&actions);
    throw;
  }
  posix_spawn_file_actions_destroy(&actions);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) terminate(std::chrono::seconds(3));
}

bool ChildProcess::running() {
  if (status_) return false;
  status_ = waitFor(pid_, std::chrono::milliseconds(0));
  return !status_;
}

int ChildProcess::terminate(std::chrono::milliseconds grace) {
  if (status_) return *status_;
  ::kill(pid_, SIGTERM);
  status_ = waitFor(pid_, grace);
  if (!status_) {
    ::kill(pid_, SIGKILL);
    status_ = waitFor(pid_, std::chrono::seconds(5));
  }
  return status_.value_or(-1);
}

ProcessResult runProcess(const std::vector<std::string>& argv, const std::string& input,
                         std::chrono::milliseconds timeout, const std::vector<std::string>& extraEnvironment) {
  char outName[] = "/tmp/rspf-out-XXXXXX";
  char errName[] = "/tmp/rspf-err-XXXXXX";
  int outFd = ::mkstemp(outName);
  int errFd = ::mkstemp(errName);
  int pipeFds[2];
  if (outFd < 0 || errFd < 0 || ::pipe2(pipeFds, O_CLOEXEC) != 0) throw std::runtime_error("cannot create pipes");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[0], 0);
  posix_spawn_file_actions_adddup2(&actions, outFd, 1);
  posix_spawn_file_actions_adddup2(&actions, errFd, 2);
  ProcessResult result;
  pid_t pid = -1;
  try {
    pid = spawn(argv, &actions, extraEnvironment);
  } catch (...) {
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipeFds[0]);
    ::close(pipeFds[1]);
    ::close(outFd);
    ::close(errFd);
    ::unlink(outName);
    ::unlink(errName);
    throw;
  }
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipeFds[0]);
  ::signal(SIGPIPE, SIG_IGN);
  std::size_t written = 0;
  while (written < input.size()) {
    ssize_t n = ::write(pipeFds[1], input.data() + written, input.size() - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::close(pipeFds[1]);
  auto status = waitFor(pid, timeout);
  if (!status) {
    result.timedOut = true;
    ::kill(pid, SIGKILL);
    status = waitFor(pid, std::chrono::seconds(5));
  }
  result.exitCode = status.value_or(-1);
  ::close(outFd);
  ::close(errFd);
  result.out = slurp(outName);
  result.err = slurp(errName);
  ::unlink(outName);
  ::unlink(errName);
  return result;
}

std::string waitForReadyFile(const std::filesystem::path& file, ChildProcess& child,
                             std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(file)) {
      std::string line;
      std::ifstream in(file);
      if (std::getline(in, line) && !line.empty()) return line;
    }
    if (!child.running()) throw std::runtime_error("process exited before it was ready");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("process was not ready within the timeout");
}

std::filesystem::path currentExecutable() { return std::filesystem::read_symlink("/proc/self/exe"); }

}  // namespace rspf
