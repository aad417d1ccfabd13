#include "maf/maf_config.hpp"

#include "common/error.hpp"
#include "common/time.hpp"
#include "config/config_file.hpp"
#include "config/listener_limits_config.hpp"
#include "config/log_settings.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::maf {

const config::Schema& mafConfigSchema() {
  using config::KeyKind;
  static const config::Schema schema = {
      config::withListenerLimits({"maf",
                                  {{"id"},
                                   {"listen", KeyKind::HostPort},
                                   {"listen_coaps", KeyKind::HostPort},
                                   {"threads"},
                                   {"ready_file", KeyKind::OutputFile},
                                   {"certificate", KeyKind::Certificate},
                                   {"certificate_key", KeyKind::PrivateKey},
                                   {"enrolee_trust_anchors", KeyKind::Certificates},
                                   {"renew_before"},
                                   {"crl", KeyKind::Crl},
                                   {"crl_refresh", KeyKind::Duration},
                                   {"state", KeyKind::OutputFile}}}),
      {"mef", {{"url"}, {"fqdn"}, {"trust_anchors", KeyKind::Certificates}}},
      observability::observabilityTable(),
      config::logTable(),
  };
  return schema;
}

MafConfig loadMafConfig(const std::filesystem::path& file) {
  config::ConfigFile cf(file, mafConfigSchema());
  MafConfig c;
  c.id = crypto::toLower(cf.requireString("maf.id"));
  crypto::requireAsciiIdentifier(c.id, "maf.id");
  auto listen = config::parseHostPort(cf.string("maf.listen").value_or("127.0.0.1:9444"), "maf.listen");
  c.host = listen.host;
  c.port = listen.port;
  if (auto coaps = cf.string("maf.listen_coaps")) c.coaps = config::parseHostPort(*coaps, "maf.listen_coaps");
  c.limits = config::loadListenerLimits(cf, "maf");
  c.threads = static_cast<int>(cf.integer("maf.threads").value_or(2));
  c.readyFile = cf.path("maf.ready_file");
  auto certificate = cf.path("maf.certificate");
  auto key = cf.path("maf.certificate_key");
  auto mefAnchors = cf.path("mef.trust_anchors");
  if (!certificate || !key || !mefAnchors)
    throw Error(ErrorCode::Config,
                "maf.certificate, maf.certificate_key and mef.trust_anchors are required: the MAF authenticates "
                "to the MEF by certificate");
  c.certificate = *certificate;
  c.certificateKey = *key;
  c.mefTrustAnchors = *mefAnchors;
  c.enroleeTrustAnchors = cf.path("maf.enrolee_trust_anchors");
  if (auto margin = cf.string("maf.renew_before"))
    c.renewBefore = lifecycle::parseRenewalMargin(*margin, "maf.renew_before");
  c.crl = cf.path("maf.crl");
  c.stateFile = cf.path("maf.state");
  if (auto refresh = cf.string("maf.crl_refresh")) {
    auto d = parseDuration(*refresh);
    if (!d || d->count() <= 0) throw Error(ErrorCode::Config, "maf.crl_refresh takes a duration such as 1h");
    c.crlRefresh = *d;
  }
  c.mefUrl = cf.requireString("mef.url");
  c.mefFqdn = crypto::toLower(cf.requireString("mef.fqdn"));
  c.observability = observability::loadObservabilitySettings(cf);
  return c;
}

}  // namespace rspf::maf
