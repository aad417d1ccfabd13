#pragma once
// `rspf mef --config FILE`:
//   [mef]   fqdn, listen = "host:port", threads, workers, tls13, max_body_bytes, key_profile, ready_file,
//           est_retry_after (seconds, for certificate requests held for approval)
//   [store] sqlite = path, kek_file = path (else $RSPF_KEK)
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "crypto/provisioned_keys.hpp"

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
  int threads = 2;
  int workers = 8;
  std::chrono::seconds estRetryAfter{10};
  bool tls13 = false;
  std::size_t maxBodyBytes = 16 * 1024;
  crypto::KeyProfile keyProfile = crypto::KeyProfile::Current;
  std::optional<std::filesystem::path> readyFile;
  std::filesystem::path storePath;
  std::optional<std::filesystem::path> kekFile;
  MefCertificateFiles certificateFiles;
  std::optional<UpstreamCaConfig> upstreamCa;
};

MefConfig loadMefConfig(const std::filesystem::path& file);  // throws Error(Config)

}  // namespace rspf::mef
