#include "cli/serve_role.hpp"

#include <errno.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

#include "cli/systemd_notify.hpp"
#include "common/reload_hooks.hpp"
#include "config/config_file.hpp"
#include "config/log_settings.hpp"

namespace rspf::cli {
namespace {

constexpr std::chrono::seconds kPeriodicChecks{3600};

void reloadEverything(const ServedRole& role) {
  spdlog::info("{}: SIGHUP: reloading", role.name);
  int failed = 0;
  try {
    applyConfiguredLogLevel(role);
  } catch (const std::exception& e) {
    ++failed;
    spdlog::error("reload: the log level from {}: {} (keeping {})", role.configFile.string(), e.what(),
                  spdlog::level::to_string_view(spdlog::get_level()));
  }
  auto outcomes = reloadAll();
  for (const auto& o : outcomes) {
    if (o.error.empty()) continue;
    ++failed;
    spdlog::error("reload: {}: {} (keeping the one in use)", o.what, o.error);
  }
  spdlog::info("{}: reload done: {} part(s) reloaded, {} failed", role.name,
               outcomes.size() + 1 - static_cast<std::size_t>(failed), failed);
}

}  // namespace

sigset_t blockServerSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

void applyConfiguredLogLevel(const ServedRole& role) {
  if (role.logLevelFromCommandLine) return;
  auto level = config::logLevel(config::ConfigFile(role.configFile, role.schema));
  auto wanted = spdlog::level::from_str(level.value_or("info"));
  if (wanted == spdlog::get_level()) return;
  spdlog::set_level(wanted);
  spdlog::info("log level {}", spdlog::level::to_string_view(wanted));
}

int waitForStopSignal(const sigset_t& signals, const ServedRole& role) {
  auto interval = std::min<std::chrono::microseconds>(kPeriodicChecks, watchdogInterval());
  auto nextCheck = std::chrono::steady_clock::now() + kPeriodicChecks;
  for (;;) {
    timespec timeout{};
    timeout.tv_sec = static_cast<time_t>(interval.count() / 1000000);
    timeout.tv_nsec = static_cast<long>((interval.count() % 1000000) * 1000);
    int signal = sigtimedwait(&signals, nullptr, &timeout);
    notifyWatchdog();
    if (std::chrono::steady_clock::now() >= nextCheck) {
      runPeriodicChecks();
      nextCheck = std::chrono::steady_clock::now() + kPeriodicChecks;
    }
    if (signal < 0) continue;  // EAGAIN (the timeout) or EINTR
    if (signal != SIGHUP) return signal;
    notifyReloading();
    reloadEverything(role);
    notifyReady("reloaded");
  }
}

}  // namespace rspf::cli
