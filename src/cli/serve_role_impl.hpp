#pragma once
// The template part of serve_role.hpp.
#include <spdlog/spdlog.h>

#include "cli/systemd_notify.hpp"
#include "common/text_file.hpp"

namespace rspf::cli {

template <typename Server>
int serveUntilSignalled(Server& server, const sigset_t& signals, const std::optional<std::filesystem::path>& readyFile,
                        const std::string& host, const ServedRole& role) {
  server.start();
  if (readyFile) writeReadyFile(*readyFile, host, server.port());
  spdlog::info("{} listening on {}:{}", role.name, host, server.port());
  notifyReady(std::string(role.name) + " listening on " + host + ":" + std::to_string(server.port()));
  int signal = waitForStopSignal(signals, role);
  spdlog::info("{} stopping (signal {}): draining requests in flight", role.name, signal);
  notifyStopping();
  server.stop();
  server.wait();
  spdlog::info("{} stopped", role.name);
  return 0;
}

}  // namespace rspf::cli
