#pragma once
// `rspf maf --config FILE`: a MAF (M2M Authentication Function) as Enrolment Target (seed 8.3.3.4).
//   [maf]  id (the MAF-ID, its FQDN: Target-ID, expected SNI, its certificate's dNSName),
//          listen = "host:port", threads, ready_file,
//          certificate, certificate_key (PEM; presented to the MEF and to Enrolees),
//          enrolee_trust_anchors (PEM; optional: Enrolee certificates for the certificate credential type)
//   [mef]  url, fqdn, trust_anchors (PEM: what the MEF's certificate chains to)
//   [observability] listen, ready_file (observability/observability_settings.hpp)
#include <filesystem>
#include <optional>
#include <string>

#include "config/config_schema.hpp"
#include "observability/observability_settings.hpp"
#include "transport/listener_limits.hpp"

namespace rspf::maf {

struct MafConfig {
  std::string id;
  std::string host = "127.0.0.1";
  std::uint16_t port = 9444;
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
};

MafConfig loadMafConfig(const std::filesystem::path& file);  // throws Error(Config)
const config::Schema& mafConfigSchema();

}  // namespace rspf::maf
