#include "target/target_config.hpp"

#include "common/error.hpp"
#include "common/time.hpp"
#include "config/config_file.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::target {

TargetConfig loadTargetConfig(const std::filesystem::path& file) {
  config::ConfigFile cf(file);
  TargetConfig c;
  c.id = cf.requireString("target.id");
  crypto::requireAsciiIdentifier(c.id, "target.id");
  c.type = cf.string("target.type").value_or("CSE");
  if (c.type != "CSE" && c.type != "AE") throw Error(ErrorCode::Config, "target.type must be \"CSE\" or \"AE\"");
  auto usage = crypto::parseUsage(cf.string("target.usage").value_or("SAEF"));
  if (!usage || *usage == crypto::Usage::MAF)
    throw Error(ErrorCode::Config, "target.usage must be \"SAEF\", \"ESPrim\" or \"ESData\"");
  c.usage = *usage;
  auto listen = config::parseHostPort(cf.string("target.listen").value_or("127.0.0.1:9443"), "target.listen");
  c.host = listen.host;
  c.port = listen.port;
  if (auto coaps = cf.string("target.listen_coaps")) c.coaps = config::parseHostPort(*coaps, "target.listen_coaps");
  c.threads = static_cast<int>(cf.integer("target.threads").value_or(2));
  if (auto revalidate = cf.string("target.revalidate_after")) {
    auto d = parseDuration(*revalidate);
    if (!d) throw Error(ErrorCode::Config, "target.revalidate_after takes a duration such as 60s or 5m");
    c.revalidateAfter = *d;
  }
  c.readyFile = cf.path("target.ready_file");
  c.mefUrl = cf.requireString("mef.url");
  c.mefFqdn = crypto::toLower(cf.requireString("mef.fqdn"));
  c.kpmId = cf.requireString("mef.kpm_id");
  auto kpm = cf.path("mef.kpm_file");
  auto credentials = cf.path("mef.credentials");
  if (!kpm || !credentials) throw Error(ErrorCode::Config, "mef.kpm_file and mef.credentials are required");
  c.kpmFile = *kpm;
  c.credentialFile = *credentials;
  c.observability = observability::loadObservabilitySettings(cf);
  return c;
}

}  // namespace rspf::target
