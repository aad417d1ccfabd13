#include "target/target_config.hpp"

#include "common/bounds.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "config/config_file.hpp"
#include "config/listener_limits_config.hpp"
#include "config/log_settings.hpp"
#include "crypto/identifiers.hpp"
#include "cse_front/front_settings.hpp"

namespace rspf::target {

const config::Schema& targetConfigSchema() {
  using config::KeyKind;
  static const config::Schema schema = {
      config::withListenerLimits({"target",
                                  {{"id"},
                                   {"type"},
                                   {"usage"},
                                   {"listen", KeyKind::HostPort},
                                   {"listen_coaps", KeyKind::HostPort},
                                   {"threads"},
                                   {"revalidate_after", KeyKind::Duration},
                                   {"renew_before"},
                                   {"state", KeyKind::OutputFile},
                                   {"ready_file", KeyKind::OutputFile},
                                   // forwarding mode (cse_front/front_settings.hpp)
                                   {"upstream"},
                                   {"originator_prefix"},
                                   {"originator_strip_suffix"},
                                   {"deny_originators", KeyKind::Strings},
                                   {"max_body_bytes"},
                                   {"max_response_bytes"},
                                   {"upstream_pool_size"},
                                   {"upstream_timeout", KeyKind::Duration},
                                   {"upstream_connect_timeout", KeyKind::Duration},
                                   {"cse_admin_originator"},
                                   {"cse_app_rule"}}}),
      {"mef", {{"url"}, {"fqdn"}, {"kpm_id"}, {"kpm_file", KeyKind::SecretFile}, {"credentials", KeyKind::OutputFile}}},
      observability::observabilityTable(),
      config::logTable(),
  };
  return schema;
}

TargetConfig loadTargetConfig(const std::filesystem::path& file) {
  config::ConfigFile cf(file, targetConfigSchema());
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
  c.limits = config::loadListenerLimits(cf, "target");
  if (auto coaps = cf.string("target.listen_coaps")) c.coaps = config::parseHostPort(*coaps, "target.listen_coaps");
  c.threads = static_cast<int>(cf.integer("target.threads").value_or(2));
  if (auto revalidate = cf.string("target.revalidate_after")) {
    c.revalidateAfter = parseBoundedDuration(*revalidate, "target.revalidate_after", ErrorCode::Config, true);
  }
  if (auto margin = cf.string("target.renew_before"))
    c.renewBefore = lifecycle::parseRenewalMargin(*margin, "target.renew_before");
  c.readyFile = cf.path("target.ready_file");
  c.front = cse_front::loadFrontSettings(cf);
  c.stateFile = cf.path("target.state");
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
