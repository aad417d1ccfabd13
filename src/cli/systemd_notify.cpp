#include "cli/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

namespace rspf::cli {

void notifyReady(const std::string& status) {
  const std::string message = "READY=1\nSTATUS=" + status;
  sd_notify(0, message.c_str());
}

void notifyReloading() { sd_notify(0, "RELOADING=1"); }

void notifyStopping() { sd_notify(0, "STOPPING=1"); }

void notifyWatchdog() { sd_notify(0, "WATCHDOG=1"); }

std::chrono::microseconds watchdogInterval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) return std::chrono::microseconds(usec / 2);
  return std::chrono::hours(1);
}

}  // namespace rspf::cli
