#include "mef/mef_config.hpp"

#include "common/bounds.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "config/config_file.hpp"
#include "config/listener_limits_config.hpp"
#include "config/log_settings.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::mef {

const config::Schema& mefConfigSchema() {
  using config::KeyKind;
  static const config::Schema schema = {
      config::withListenerLimits({"mef",
                                  {{"fqdn"},
                                   {"listen", KeyKind::HostPort},
                                   {"listen_coaps", KeyKind::HostPort},
                                   {"threads"},
                                   {"workers"},
                                   {"est_retry_after"},
                                   {"rekey_grace", KeyKind::Duration},
                                   {"superseded_grace", KeyKind::Duration},
                                   {"tls13"},
                                   {"max_body_bytes"},
                                   {"key_profile"},
                                   {"ready_file", KeyKind::OutputFile},
                                   {"configuration_key", KeyKind::PrivateKey},
                                   {"uri"}}}),
      {"store",
       {{"sqlite", KeyKind::SqliteStore},
        {"url", KeyKind::Value},
        {"pool_size", KeyKind::Value},
        {"kek_file", KeyKind::SecretFile}}},
      {"tls",
       {{"certificate", KeyKind::Certificate},
        {"private_key", KeyKind::PrivateKey},
        {"client_trust_anchors", KeyKind::Certificates},
        {"crl", KeyKind::Crl},
        {"embedded_certificate_validity", KeyKind::Duration},
        {"renew_before"}}},
      {"gba",
       {{"bsf_url"},
        {"bsf_fqdn"},
        {"bsf_trust_anchors", KeyKind::Certificates},
        {"key_cache_lifetime", KeyKind::Duration}}},
      {"upstream_ca",
       {{"url"},
        {"server_name"},
        {"trust_anchors", KeyKind::Certificates},
        {"certificate", KeyKind::Certificate},
        {"private_key", KeyKind::PrivateKey}}},
      {"approval", {{"webhook"}, {"timeout_ms"}}},
      {"audit",
       {{"refused_handshake_interval", KeyKind::Duration},
        {"refused_handshake_sources"},
        {"retention", KeyKind::Duration}}},
      observability::observabilityTable(),
      admin_api::adminApiTable(),
      config::logTable(),
  };
  return schema;
}

MefConfig loadMefConfig(const std::filesystem::path& file) {
  config::ConfigFile cf(file, mefConfigSchema());
  MefConfig c;
  c.fqdn = cf.requireString("mef.fqdn");
  if (!crypto::isAsciiIdentifier(c.fqdn)) throw Error(ErrorCode::Config, "mef.fqdn must be an ASCII FQDN");
  auto listen = config::parseHostPort(cf.string("mef.listen").value_or("127.0.0.1:8443"), "mef.listen");
  c.host = listen.host;
  c.port = listen.port;
  c.limits = config::loadListenerLimits(cf, "mef");
  if (auto coaps = cf.string("mef.listen_coaps")) c.coaps = config::parseHostPort(*coaps, "mef.listen_coaps");
  c.threads = static_cast<int>(cf.integer("mef.threads").value_or(2));
  if (c.threads < 1 || c.threads > 256) throw Error(ErrorCode::Config, "mef.threads must be 1 to 256");
  c.workers = static_cast<int>(cf.integer("mef.workers").value_or(8));
  if (c.workers < 1 || c.workers > 1024) throw Error(ErrorCode::Config, "mef.workers must be 1 to 1024");
  c.estRetryAfter = std::chrono::seconds(cf.integer("mef.est_retry_after").value_or(10));
  if (c.estRetryAfter.count() < 1 || c.estRetryAfter.count() > 86400)
    throw Error(ErrorCode::Config, "mef.est_retry_after must be 1 to 86400 seconds");
  if (auto grace = cf.string("mef.superseded_grace")) {
    auto d = parseDuration(*grace);
    if (!d) throw Error(ErrorCode::Config, "mef.superseded_grace takes a duration such as 1h, 10m or 0s");
    c.supersededGrace = *d;
  }
  if (auto grace = cf.string("mef.rekey_grace")) {
    c.rekeyGrace = parseBoundedDuration(*grace, "mef.rekey_grace", ErrorCode::Config, /*allowZero=*/true);
  }
  c.tls13 = cf.boolean("mef.tls13").value_or(false);
  c.maxBodyBytes = static_cast<std::size_t>(cf.integer("mef.max_body_bytes").value_or(16 * 1024));
  auto profile = cf.string("mef.key_profile").value_or("current");
  auto parsed = crypto::parseKeyProfile(profile);
  if (!parsed) throw Error(ErrorCode::Config, "mef.key_profile must be \"current\" or \"legacy\"");
  c.keyProfile = *parsed;
  c.readyFile = cf.path("mef.ready_file");
  c.store = store::storeSettingsFrom(cf.path("store.sqlite"), cf.string("store.url"), cf.integer("store.pool_size"),
                                     file.string());
  c.kekFile = cf.path("store.kek_file");
  c.certificateFiles.certificate = cf.path("tls.certificate");
  c.certificateFiles.privateKey = cf.path("tls.private_key");
  c.certificateFiles.clientTrustAnchors = cf.path("tls.client_trust_anchors");
  c.certificateFiles.crl = cf.path("tls.crl");
  if (auto validity = cf.string("tls.embedded_certificate_validity")) {
    auto d = parseDuration(*validity);
    if (!d || d->count() < 2)
      throw Error(ErrorCode::Config, "tls.embedded_certificate_validity takes a duration such as 90d");
    c.certificateFiles.embeddedValidity = *d;
  }
  if (auto margin = cf.string("tls.renew_before"))
    c.certificateFiles.renewBefore = lifecycle::parseRenewalMargin(*margin, "tls.renew_before");
  if (c.certificateFiles.certificate.has_value() != c.certificateFiles.privateKey.has_value())
    throw Error(ErrorCode::Config, "tls.certificate and tls.private_key go together");
  if (auto bsfUrl = cf.string("gba.bsf_url")) {
    MefGbaSettings gba;
    gba.bsfUrl = *bsfUrl;
    gba.bsfFqdn = cf.requireString("gba.bsf_fqdn");
    auto anchors = cf.path("gba.bsf_trust_anchors");
    if (!anchors) throw Error(ErrorCode::Config, "gba.bsf_trust_anchors is required with gba.bsf_url");
    gba.bsfTrustAnchors = *anchors;
    if (auto text = cf.string("gba.key_cache_lifetime")) {
      gba.keyCacheLifetime = parseBoundedDuration(*text, "gba.key_cache_lifetime", ErrorCode::Config, true);
    }
    c.gba = std::move(gba);
  }
  if (auto url = cf.string("upstream_ca.url")) {
    UpstreamCaConfig u;
    u.url = *url;
    u.serverName = cf.string("upstream_ca.server_name").value_or("");
    auto anchors = cf.path("upstream_ca.trust_anchors");
    if (!anchors) throw Error(ErrorCode::Config, "upstream_ca.trust_anchors is required with upstream_ca.url");
    u.trustAnchors = *anchors;
    u.certificate = cf.path("upstream_ca.certificate");
    u.privateKey = cf.path("upstream_ca.private_key");
    if (u.certificate.has_value() != u.privateKey.has_value())
      throw Error(ErrorCode::Config, "upstream_ca.certificate and upstream_ca.private_key go together");
    c.upstreamCa = std::move(u);
  }
  c.configurationKey = cf.path("mef.configuration_key");
  c.uri = cf.string("mef.uri").value_or("https://" + c.fqdn + ":" + std::to_string(c.port));
  c.observability = observability::loadObservabilitySettings(cf);
  c.approvalWebhook = cf.string("approval.webhook");
  c.approvalTimeout = std::chrono::milliseconds(cf.integer("approval.timeout_ms").value_or(5000));
  if (c.approvalTimeout.count() < 1 || c.approvalTimeout.count() > 60000)
    throw Error(ErrorCode::Config, "approval.timeout_ms must be 1 to 60000");
  c.adminApi = admin_api::loadAdminApiSettings(cf);
  if (auto interval = cf.string("audit.refused_handshake_interval")) {
    c.audit.refusedHandshakeInterval =
        parseBoundedDuration(*interval, "audit.refused_handshake_interval", ErrorCode::Config);
    if (c.audit.refusedHandshakeInterval > std::chrono::hours(24))
      throw Error(ErrorCode::Config, "audit.refused_handshake_interval must be at most 24h");
  }
  c.audit.refusedHandshakeSources =
      static_cast<std::size_t>(cf.integer("audit.refused_handshake_sources").value_or(20));
  if (c.audit.refusedHandshakeSources < 1 || c.audit.refusedHandshakeSources > 10000)
    throw Error(ErrorCode::Config, "audit.refused_handshake_sources must be 1 to 10000");
  if (auto retention = cf.string("audit.retention"))
    c.audit.retention = parseBoundedDuration(*retention, "audit.retention", ErrorCode::Config);
  return c;
}

}  // namespace rspf::mef
