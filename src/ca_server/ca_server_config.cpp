#include "ca_server/ca_server_config.hpp"

#include "common/bounds.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "config/config_file.hpp"
#include "config/listener_limits_config.hpp"
#include "config/log_settings.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::ca_server {

const config::Schema& caServerConfigSchema() {
  using config::KeyKind;
  static const config::Schema schema = {
      config::withListenerLimits({"ca",
                                  {{"fqdn"},
                                   {"listen", KeyKind::HostPort},
                                   {"label"},
                                   {"validity", KeyKind::Duration},
                                   {"hold_for_approval"},
                                   {"retry_after"},
                                   {"ready_file", KeyKind::OutputFile}}}),
      {"store",
       {{"sqlite", KeyKind::SqliteStore},
        {"url", KeyKind::Value},
        {"pool_size", KeyKind::Value},
        {"kek_file", KeyKind::SecretFile}}},
      {"tls",
       {{"certificate", KeyKind::Certificate},
        {"private_key", KeyKind::PrivateKey},
        {"client_trust_anchors", KeyKind::Certificates}}},
      config::logTable(),
  };
  return schema;
}

CaServerConfig loadCaServerConfig(const std::filesystem::path& file) {
  config::ConfigFile cf(file, caServerConfigSchema());
  CaServerConfig c;
  c.fqdn = cf.requireString("ca.fqdn");
  if (!crypto::isAsciiIdentifier(c.fqdn)) throw Error(ErrorCode::Config, "ca.fqdn must be an ASCII FQDN");
  auto listen = config::parseHostPort(cf.string("ca.listen").value_or("127.0.0.1:9443"), "ca.listen");
  c.host = listen.host;
  c.port = listen.port;
  c.limits = config::loadListenerLimits(cf, "ca");
  c.label = cf.string("ca.label").value_or("");
  if (auto validity = cf.string("ca.validity")) {
    c.validity = parseBoundedDuration(*validity, "ca.validity", ErrorCode::Config);
  }
  c.holdForApproval = cf.boolean("ca.hold_for_approval").value_or(false);
  c.retryAfter = std::chrono::seconds(cf.integer("ca.retry_after").value_or(10));
  if (c.retryAfter.count() < 1 || c.retryAfter.count() > 86400)
    throw Error(ErrorCode::Config, "ca.retry_after must be 1 to 86400 seconds");
  c.readyFile = cf.path("ca.ready_file");
  c.store = store::storeSettingsFrom(cf.path("store.sqlite"), cf.string("store.url"), cf.integer("store.pool_size"),
                                     file.string());
  c.kekFile = cf.path("store.kek_file");
  c.certificate = cf.path("tls.certificate");
  c.privateKey = cf.path("tls.private_key");
  if (c.certificate.has_value() != c.privateKey.has_value())
    throw Error(ErrorCode::Config, "tls.certificate and tls.private_key go together");
  auto anchors = cf.path("tls.client_trust_anchors");
  if (!anchors)
    throw Error(ErrorCode::Config,
                "tls.client_trust_anchors is required: the CA answers only registration authorities it trusts");
  c.clientTrustAnchors = *anchors;
  return c;
}

}  // namespace rspf::ca_server
