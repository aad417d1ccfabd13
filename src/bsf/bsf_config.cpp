#include "bsf/bsf_config.hpp"

#include "common/bounds.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "config/config_file.hpp"
#include "config/listener_limits_config.hpp"
#include "config/log_settings.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::bsf {
namespace {

std::chrono::seconds durationOr(const config::ConfigFile& cf, const char* key, std::chrono::seconds fallback) {
  auto text = cf.string(key);
  if (!text) return fallback;
  return parseBoundedDuration(*text, key, ErrorCode::Config);
}

std::filesystem::path requirePath(const config::ConfigFile& cf, const char* key) {
  auto p = cf.path(key);
  if (!p) throw Error(ErrorCode::Config, cf.file().string() + ": '" + key + "' is required");
  return *p;
}

}  // namespace

const config::Schema& bsfConfigSchema() {
  using config::KeyKind;
  static const config::Schema schema = {
      config::withListenerLimits({"bsf",
                                  {{"fqdn"},
                                   {"listen", KeyKind::HostPort},
                                   {"threads"},
                                   {"workers"},
                                   {"btid_lifetime", KeyKind::Duration},
                                   {"challenge_lifetime", KeyKind::Duration},
                                   {"max_challenges_per_impi"},
                                   {"max_challenges_per_source"},
                                   {"ready_file", KeyKind::OutputFile}}}),
      {"store",
       {{"sqlite", KeyKind::SqliteStore},
        {"url", KeyKind::Value},
        {"pool_size", KeyKind::Value},
        {"kek_file", KeyKind::SecretFile}}},
      {"tls",
       {{"certificate", KeyKind::Certificate},
        {"private_key", KeyKind::PrivateKey},
        {"naf_trust_anchors", KeyKind::Certificates}}},
      config::logTable(),
  };
  return schema;
}

BsfConfig loadBsfConfig(const std::filesystem::path& file) {
  config::ConfigFile cf(file, bsfConfigSchema());
  BsfConfig c;
  c.fqdn = cf.requireString("bsf.fqdn");
  if (!crypto::isAsciiIdentifier(c.fqdn)) throw Error(ErrorCode::Config, "bsf.fqdn must be an ASCII FQDN");
  auto listen = config::parseHostPort(cf.string("bsf.listen").value_or("127.0.0.1:8444"), "bsf.listen");
  c.host = listen.host;
  c.port = listen.port;
  c.limits = config::loadListenerLimits(cf, "bsf");
  c.threads = static_cast<int>(cf.integer("bsf.threads").value_or(2));
  if (c.threads < 1 || c.threads > 256) throw Error(ErrorCode::Config, "bsf.threads must be 1 to 256");
  c.workers = static_cast<int>(cf.integer("bsf.workers").value_or(4));
  if (c.workers < 1 || c.workers > 1024) throw Error(ErrorCode::Config, "bsf.workers must be 1 to 1024");
  c.btidLifetime = durationOr(cf, "bsf.btid_lifetime", c.btidLifetime);
  c.challengeLifetime = durationOr(cf, "bsf.challenge_lifetime", c.challengeLifetime);
  for (auto [key, limit] : {std::pair{"bsf.max_challenges_per_impi", &c.maxChallengesPerImpi},
                            std::pair{"bsf.max_challenges_per_source", &c.maxChallengesPerSource}}) {
    auto value = cf.integer(key).value_or(static_cast<std::int64_t>(*limit));
    if (value < 1 || value > 100000) throw Error(ErrorCode::Config, std::string(key) + " must be 1 to 100000");
    *limit = static_cast<std::size_t>(value);
  }
  c.readyFile = cf.path("bsf.ready_file");
  c.store = store::storeSettingsFrom(cf.path("store.sqlite"), cf.string("store.url"), cf.integer("store.pool_size"),
                                     file.string());
  c.kekFile = cf.path("store.kek_file");
  c.certificate = requirePath(cf, "tls.certificate");
  c.privateKey = requirePath(cf, "tls.private_key");
  c.nafTrustAnchors = requirePath(cf, "tls.naf_trust_anchors");
  return c;
}

}  // namespace rspf::bsf
