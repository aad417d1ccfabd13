#pragma once
// `rspf mef --config FILE`:
//   [mef]   fqdn, listen = "host:port", listen_coaps = "host:port" (CoAPS), threads, workers, tls13,
//           max_body_bytes, key_profile, ready_file,
//           est_retry_after (seconds, for certificate requests held for approval)
//           configuration_key (the EC P-256 key signing Bootstrap Instruction Configuration bundles),
//           uri (the MEF URI Enrolees are configured with; default https://<fqdn>:<port>)
//   [store] sqlite = path, or url = PostgreSQL connection string and pool_size (store/store_settings.hpp);
//           kek_file = path (else $RSPF_KEK)
//   [tls]   certificate, private_key, client_trust_anchors, crl, embedded_certificate_validity, renew_before
//   [gba]   bsf_url, bsf_fqdn, bsf_trust_anchors, key_cache_lifetime
//   [observability] listen, ready_file (observability/observability_settings.hpp)
//   [approval] webhook = "http://host:port/path", timeout_ms (default 5000): enrolment approval
//   [admin_api] listen, client_trust_anchors, token_file, ... (admin_api/admin_api_settings.hpp)
//   [audit] refused_handshake_interval (default "60s"), refused_handshake_sources (default 20),
//           retention (e.g. "400d": what `rspf admin audit archive` moves out by default)
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "admin_api/admin_api_settings.hpp"
#include "config/config_file.hpp"
#include "config/config_schema.hpp"
#include "crypto/provisioned_keys.hpp"
#include "lifecycle/credential_renewal.hpp"
#include "observability/observability_settings.hpp"
#include "procedures/audit_trail.hpp"
#include "store/store_settings.hpp"
#include "transport/listener_limits.hpp"

namespace rspf::mef {

// [tls]: the MEF's certificate for the Certificate-Based framework. Without certificate and
// private_key, a certificate is issued at start by the store's embedded CA (if it has one); without
// client_trust_anchors, Enrolee certificates must chain to that CA. `crl` (PEM or DER) turns on
// CRL checking of Enrolee certificates.
struct MefCertificateFiles {
  std::optional<std::filesystem::path> certificate;
  std::optional<std::filesystem::path> privateKey;
  std::optional<std::filesystem::path> clientTrustAnchors;
  std::optional<std::filesystem::path> crl;
  // A certificate from the embedded CA (no certificate file): its validity, and how long before its
  // expiry it is renewed while the MEF runs ([tls] embedded_certificate_validity, renew_before).
  std::chrono::seconds embeddedValidity{std::chrono::hours(24 * 90)};
  lifecycle::RenewalMargin renewBefore;
};

// [gba]: the MEF as GBA NAF (seed 8.3.2.3). Zn to the BSF at bsf_url, whose certificate must name
// bsf_fqdn and chain to bsf_trust_anchors; the MEF authenticates with its own certificate ([tls] or
// the embedded CA's). Ks_NAF is kept at most key_cache_lifetime (and never past the B-TID's expiry).
struct MefGbaSettings {
  std::string bsfUrl;
  std::string bsfFqdn;
  std::filesystem::path bsfTrustAnchors;
  std::chrono::seconds keyCacheLifetime{300};
};

// [upstream_ca]: forward certificate requests to an upstream RFC 7030 server (e.g. `rspf ca serve`)
// over mutual TLS instead of issuing with the embedded CA. The MEF authenticates with `certificate`
// and `private_key`, else with its own certificate ([tls] or the embedded CA); the upstream's
// certificate must chain to `trust_anchors` and name `server_name` (default: the URL's host).
struct UpstreamCaConfig {
  std::string url;
  std::string serverName;
  std::filesystem::path trustAnchors;
  std::optional<std::filesystem::path> certificate;
  std::optional<std::filesystem::path> privateKey;
};

struct MefConfig {
  std::string fqdn;
  std::string host = "127.0.0.1";
  std::uint16_t port = 8443;
  transport::ListenerLimits limits;  // [mef] max_connections, ... (config/listener_limits_config.hpp)
  // [mef] listen_coaps = "host:port" (CoAPS binding, PROTOCOL.md 7; port 5684 by convention, 0: any
  // free port, written to "<ready_file>.coaps"); unset: no CoAPS listener.
  std::optional<config::HostPort> coaps;
  int threads = 2;
  int workers = 8;
  std::chrono::seconds estRetryAfter{10};
  std::chrono::seconds rekeyGrace{300};  // [mef] rekey_grace: a replaced Enrolment Key is served this long
  // [mef] superseded_grace: a certificate replaced by simplereenroll still bootstraps this long
  std::chrono::seconds supersededGrace{3600};
  bool tls13 = false;
  std::size_t maxBodyBytes = 16 * 1024;
  crypto::KeyProfile keyProfile = crypto::KeyProfile::Current;
  std::optional<std::filesystem::path> readyFile;
  store::StoreSettings store;  // [store] sqlite = FILE, or url = PostgreSQL connection string, pool_size
  std::optional<std::filesystem::path> kekFile;
  MefCertificateFiles certificateFiles;
  std::optional<MefGbaSettings> gba;
  std::optional<UpstreamCaConfig> upstreamCa;
  std::optional<std::filesystem::path> configurationKey;
  std::string uri;  // the MEF URI of Bootstrap Instruction Configuration (seed table 9.2.2.1-2)
  std::optional<observability::ObservabilitySettings> observability;
  std::optional<std::string> approvalWebhook;  // for Enrolees whose policy requires approval
  std::chrono::milliseconds approvalTimeout{5000};
  std::optional<admin_api::AdminApiSettings> adminApi;  // the Admin REST API, off by default
  procedures::AuditSettings audit;                      // [audit]
};

MefConfig loadMefConfig(const std::filesystem::path& file);
const config::Schema& mefConfigSchema();  // throws Error(Config)

}  // namespace rspf::mef
