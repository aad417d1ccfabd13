#pragma once
// What SIGHUP re-reads (issue 13 item 3). Each reloadable thing (a server's certificate files, the
// admin API's tokens) registers a hook for its lifetime; the signal-watching thread runs them all.
// A hook that throws keeps what it had: the old certificate stays in use and the error is reported.
#include <functional>
#include <string>
#include <vector>

namespace rspf {

class ReloadHook {
 public:
  // `reload` re-reads and swaps atomically or throws; `periodic` (optional) runs about hourly, e.g.
  // to warn of a certificate's coming expiry.
  ReloadHook(std::string what, std::function<void()> reload, std::function<void()> periodic = {});
  ~ReloadHook();
  ReloadHook(const ReloadHook&) = delete;
  ReloadHook& operator=(const ReloadHook&) = delete;

 private:
  std::size_t id_;
};

struct ReloadOutcome {
  std::string what;
  std::string error;  // empty: reloaded
};

// Runs every registered hook, in registration order; never throws.
std::vector<ReloadOutcome> reloadAll();
void runPeriodicChecks();

}  // namespace rspf
