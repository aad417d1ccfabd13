#include "ca_server/ca_server_config.hpp"

#include "common/error.hpp"
#include "common/time.hpp"
#include "config/config_file.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::ca_server {

CaServerConfig loadCaServerConfig(const std::filesystem::path& file) {
  config::ConfigFile cf(file);
  CaServerConfig c;
  c.fqdn = cf.requireString("ca.fqdn");
  if (!crypto::isAsciiIdentifier(c.fqdn)) throw Error(ErrorCode::Config, "ca.fqdn must be an ASCII FQDN");
  auto listen = config::parseHostPort(cf.string("ca.listen").value_or("127.0.0.1:9443"), "ca.listen");
  c.host = listen.host;
  c.port = listen.port;
  c.label = cf.string("ca.label").value_or("");
  if (auto validity = cf.string("ca.validity")) {
    auto d = parseDuration(*validity);
    if (!d || d->count() <= 0) throw Error(ErrorCode::Config, "ca.validity takes a duration such as 365d");
    c.validity = *d;
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
