#pragma once
// `rspf target --config FILE`:
//   [target] id (its CSE-ID / AE-ID in FQDN form: Target-ID and expected SNI), type ("CSE"|"AE"),
//            usage ("SAEF"|"ESPrim"|"ESData"), listen = "host:port", listen_coaps, threads, ready_file,
//            revalidate_after, renew_before ("10%" of the enrolment's lifetime, or a duration),
//            state (a SQLite file keeping the ServiceSubscribedAppRule record across restarts),
//            upstream and the other forwarding keys (cse_front/front_settings.hpp)
//   [mef]    url, fqdn, kpm_id, kpm_file (64 hex digits, mode 0600), credentials (its own
//            credential file; its sealing key beside it, kept by as_enrolee/target_enrolment.hpp)
//   [observability] listen, ready_file (observability/observability_settings.hpp)
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "config/config_file.hpp"
#include "config/config_schema.hpp"
#include "crypto/provisioned_keys.hpp"
#include "cse_front/cse_front.hpp"
#include "lifecycle/credential_renewal.hpp"
#include "observability/observability_settings.hpp"
#include "transport/listener_limits.hpp"

namespace rspf::target {

struct TargetConfig {
  std::string id;
  std::string type = "CSE";
  crypto::Usage usage = crypto::Usage::SAEF;
  std::string host = "127.0.0.1";
  std::uint16_t port = 9443;
  transport::ListenerLimits limits;  // [target] max_connections, ... (config/listener_limits_config.hpp)
  // [target] listen_coaps = "host:port": also accept DTLS-PSK Enrolees over CoAPS (PROTOCOL.md 7);
  // 0 picks a free port, written to "<ready_file>.coaps".
  std::optional<config::HostPort> coaps;
  int threads = 2;
  std::optional<std::filesystem::path> readyFile;
  std::string mefUrl;
  std::string mefFqdn;
  std::string kpmId;
  std::filesystem::path kpmFile;
  std::filesystem::path credentialFile;
  std::optional<observability::ObservabilitySettings> observability;
  std::chrono::seconds revalidateAfter{60};        // [target] revalidate_after: the revocation bound
  lifecycle::RenewalMargin renewBefore;            // [target] renew_before: re-key its own enrolment this early
  std::optional<std::filesystem::path> stateFile;  // [target] state
  std::optional<cse_front::FrontSettings> front;   // [target] upstream ...: forwarding mode (docs/cse-front.md)
};

TargetConfig loadTargetConfig(const std::filesystem::path& file);  // throws Error(Config)
const config::Schema& targetConfigSchema();

}  // namespace rspf::target
