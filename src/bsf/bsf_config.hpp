#pragma once
// `rspf bsf --config FILE` (docs/configuration.md):
//   [bsf]   fqdn (realm and B-TID suffix), listen = "host:port", threads, workers, btid_lifetime
//           (duration, default "1h"), challenge_lifetime (default "30s"), ready_file,
//           max_challenges_per_impi (default 4), max_challenges_per_source (default 64)
//   [store] sqlite = path of the subscriber store, or url = PostgreSQL connection string (several
//           BSF instances on one database) and pool_size; kek_file = path (else $RSPF_KEK)
//   [tls]   certificate, private_key (the BSF's own, PEM), naf_trust_anchors (the CAs NAF
//           certificates must chain to for Zn, PEM)
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "config/config_schema.hpp"
#include "store/store_settings.hpp"
#include "transport/listener_limits.hpp"

namespace rspf::bsf {

struct BsfConfig {
  std::string fqdn;
  std::string host = "127.0.0.1";
  std::uint16_t port = 8444;
  transport::ListenerLimits limits;  // [bsf] max_connections, ... (config/listener_limits_config.hpp)
  int threads = 2;
  int workers = 4;
  std::chrono::seconds btidLifetime{3600};
  std::chrono::seconds challengeLifetime{30};
  std::size_t maxChallengesPerImpi = 4;     // unanswered challenges per IMPI
  std::size_t maxChallengesPerSource = 64;  // ... and per client address
  std::optional<std::filesystem::path> readyFile;
  store::StoreSettings store;
  std::optional<std::filesystem::path> kekFile;
  std::filesystem::path certificate;
  std::filesystem::path privateKey;
  std::filesystem::path nafTrustAnchors;
};

BsfConfig loadBsfConfig(const std::filesystem::path& file);  // throws Error(Config)
const config::Schema& bsfConfigSchema();

}  // namespace rspf::bsf
