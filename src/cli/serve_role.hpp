#pragma once
// Running a server role until it is told to stop (issue 13 items 1 and 3): SIGHUP reloads what can
// change at run time (the log level, certificate and key files, trust anchors and CRLs, admin tokens)
// and keeps what fails to load, with an error line; SIGTERM and SIGINT drain requests in flight
// (within the listeners' bound) and stop. Under systemd (Type=notify) it reports READY, RELOADING,
// STOPPING and pings the watchdog.
#include <signal.h>

#include <filesystem>
#include <optional>
#include <string>

#include "config/config_schema.hpp"

namespace rspf::cli {

struct ServedRole {
  const char* name;                  // "MEF", for the log
  std::filesystem::path configFile;  // re-read on SIGHUP for [log] level
  const config::Schema& schema;
  bool logLevelFromCommandLine;  // --log-level given: the file's [log] level does not override it
};

// Blocks SIGINT, SIGTERM and SIGHUP in this thread and every thread started after it, so that the
// serving loop receives them with sigtimedwait (and SIGHUP no longer ends the process).
sigset_t blockServerSignals();

// Applies the configuration's [log] level unless the command line set one; true when it did.
void applyConfiguredLogLevel(const ServedRole& role);

// Waits for signals until SIGTERM or SIGINT; returns that signal's number.
int waitForStopSignal(const sigset_t& signals, const ServedRole& role);

template <typename Server>
int serveUntilSignalled(Server& server, const sigset_t& signals, const std::optional<std::filesystem::path>& readyFile,
                        const std::string& host, const ServedRole& role);

}  // namespace rspf::cli

#include "cli/serve_role_impl.hpp"
