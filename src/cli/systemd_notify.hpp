#pragma once
// sd_notify(3) for Type=notify units; every call is a no-op outside systemd.
#include <chrono>
#include <string>

namespace rspf::cli {

void notifyReady(const std::string& status);
void notifyReloading();
void notifyStopping();
void notifyWatchdog();
// Half of WatchdogSec when the unit sets one, else a long interval.
std::chrono::microseconds watchdogInterval();

}  // namespace rspf::cli
