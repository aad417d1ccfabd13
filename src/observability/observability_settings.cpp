#include "observability/observability_settings.hpp"

#include "common/error.hpp"
#include "config/config_file.hpp"
#include "config/listener_limits_config.hpp"

namespace rspf::observability {

config::TableSpec observabilityTable() {
  using config::KeyKind;
  return config::withListenerLimits(
      {"observability", {{"listen", KeyKind::HostPort}, {"ready_file", KeyKind::OutputFile}}});
}

std::optional<ObservabilitySettings> loadObservabilitySettings(const config::ConfigFile& file) {
  auto listen = file.string("observability.listen");
  if (!listen) {
    if (file.path("observability.ready_file"))
      throw Error(ErrorCode::Config, "observability.ready_file needs observability.listen");
    return std::nullopt;
  }
  auto address = config::parseHostPort(*listen, "observability.listen");
  ObservabilitySettings s;
  s.host = address.host;
  s.port = address.port;
  s.readyFile = file.path("observability.ready_file");
  s.limits = config::loadListenerLimits(file, "observability", ObservabilitySettings::defaultLimits());
  return s;
}

}  // namespace rspf::observability
