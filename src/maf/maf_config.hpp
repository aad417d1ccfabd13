#pragma once
// `rspf maf --config FILE`: a MAF (M2M Authentication Function) as Enrolment Target (seed 8.3.3.4).
//   [maf]  id (the MAF-ID, its FQDN: Target-ID, expected SNI, its certificate's dNSName),
//          listen = "host:port", listen_coaps = "host:port" (DTLS-PSK Enrolees over CoAPS), threads,
//          ready_file,
//          certificate, certificate_key (PEM; presented to the MEF and to Enrolees),
//          enrolee_trust_anchors (PEM; optional: Enrolee certificates for the certificate credential type),
//          renew_before ("10%" of the certificate's lifetime, or a duration): when it renews its
//          certificate by EST simplereenroll at the MEF (both files are replaced),
//          crl (PEM/DER file) and crl_refresh (a duration: fetch the MEF's GET /crl that often):
//          Enrolee certificates they list are refused,
//          state (a SQLite file keeping the ServiceSubscribedAppRule record across restarts)
//   [mef]  url, fqdn, trust_anchors (PEM: what the MEF's certificate chains to)
//   [observability] listen, ready_file (observability/observability_settings.hpp)
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "config/config_file.hpp"
#include "config/config_schema.hpp"
#include "lifecycle/credential_renewal.hpp"
#include "observability/observability_settings.hpp"
#include "transport/listener_limits.hpp"

namespace rspf::maf {

struct MafConfig {
  std::string id;
  std::string host = "127.0.0.1";
  std::uint16_t port = 9444;
  // [maf] listen_coaps: also accept symmetric (KeId/KmId) Enrolees over CoAPS (PROTOCOL.md 7); 0
  // picks a free port, written to "<ready_file>.coaps". The certificate credential type stays on TLS.
  std::optional<config::HostPort> coaps;
  transport::ListenerLimits limits;  // [maf] max_connections, ... (config/listener_limits_config.hpp)
  int threads = 2;
  std::optional<std::filesystem::path> readyFile;
  std::filesystem::path certificate;
  std::filesystem::path certificateKey;
  std::optional<std::filesystem::path> enroleeTrustAnchors;
  std::string mefUrl;
  std::string mefFqdn;
  std::filesystem::path mefTrustAnchors;
  std::optional<observability::ObservabilitySettings> observability;
  lifecycle::RenewalMargin renewBefore;
  std::optional<std::filesystem::path> crl;
  std::optional<std::chrono::seconds> crlRefresh;
  std::optional<std::filesystem::path> stateFile;
};

MafConfig loadMafConfig(const std::filesystem::path& file);  // throws Error(Config)
const config::Schema& mafConfigSchema();

}  // namespace rspf::maf
