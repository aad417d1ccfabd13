#pragma once
// `rspf ca serve --config FILE`: the embedded CA as an RFC 7030 EST server of its own, for MEFs in
// upstream-CA mode (issue 3 item 1).
//   [ca]    fqdn, listen = "host:port", label (which CA of the store), validity (of issued
//           certificates, e.g. "365d"), hold_for_approval, retry_after (seconds), ready_file
//   [store] sqlite = path or url = PostgreSQL connection string (pool_size), kek_file = path (else
//           $RSPF_KEK): the CA's own store (rspf admin --store FILE|URL ca init creates the CA in it)
//   [tls]   client_trust_anchors (required: the registration authorities' certificates must chain to
//           them), certificate + private_key (default: a certificate for fqdn from the CA itself)
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "config/config_schema.hpp"
#include "store/store_settings.hpp"
#include "transport/listener_limits.hpp"

namespace rspf::ca_server {

struct CaServerConfig {
  std::string fqdn;
  std::string host = "127.0.0.1";
  std::uint16_t port = 9443;
  transport::ListenerLimits limits;  // [ca] max_connections, ... (config/listener_limits_config.hpp)
  std::string label;
  std::chrono::seconds validity{std::chrono::hours(24 * 365)};
  bool holdForApproval = false;
  std::chrono::seconds retryAfter{10};
  std::optional<std::filesystem::path> readyFile;
  store::StoreSettings store;
  std::optional<std::filesystem::path> kekFile;
  std::optional<std::filesystem::path> certificate;
  std::optional<std::filesystem::path> privateKey;
  std::filesystem::path clientTrustAnchors;
};

CaServerConfig loadCaServerConfig(const std::filesystem::path& file);  // throws Error(Config)
const config::Schema& caServerConfigSchema();

}  // namespace rspf::ca_server
