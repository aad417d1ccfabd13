#include "tls/handshake_peer.hpp"

#include <algorithm>

#include "tls/certificate_profile.hpp"
#include "tls/openssl_handles.hpp"
#include "tls/psk_profile.hpp"

namespace rspf::tls {
namespace {

std::string suiteName(std::uint16_t suite) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(suite >> shift) & 0xF];
  return out;
}

}  // namespace

std::string protocolVersionOf(const SSL* ssl) { return SSL_get_version(ssl); }
std::string cipherNameOf(const SSL* ssl) {
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
  return cipher ? SSL_CIPHER_get_name(cipher) : "";
}

HandshakeOutcome authenticatedPeerOf(SSL* ssl, std::string_view transportError, const PeerPolicy& policy,
                                     std::string remoteAddress) {
  HandshakeOutcome outcome;
  const char* presented = SSL_get_psk_identity(ssl);  // null for a certificate handshake
  outcome.presentedPskIdentity = presented ? presented : "";
  outcome.protocol = protocolVersionOf(ssl);
  outcome.cipher = cipherNameOf(ssl);
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);

  // A PSK handshake resolved its identity; a certificate handshake verified the chain, and the
  // Certificate-Based framework mapped the certificate to a registered identity.
  const ResolvedPsk* resolved = nullptr;
  const bool completed = transportError.empty();
  if (completed) resolved = pskAuthenticated(ssl) ? resolvedPskOf(ssl) : resolvedCertificatePeerOf(ssl);
  static const ResolvedPsk kAnonymous{};
  if (completed && resolved == nullptr && policy.anonymousClients && SSL_get0_peer_certificate(ssl) == nullptr &&
      !pskAuthenticated(ssl))
    resolved = &kAnonymous;  // server-authenticated only (e.g. the BSF's Ub)
  std::string detail;
  if (!completed || resolved == nullptr) {
    detail = completed ? "the peer's credential names no registered identity" : std::string(transportError);
  } else if (!policy.allowedSuites.empty() &&
             std::find(policy.allowedSuites.begin(), policy.allowedSuites.end(),
                       cipher ? SSL_CIPHER_get_protocol_id(cipher) : 0) == policy.allowedSuites.end()) {
    detail = "cipher suite " + outcome.cipher + " (" + suiteName(cipher ? SSL_CIPHER_get_protocol_id(cipher) : 0) +
             ") is not in this listener's profile";
  }
  if (!detail.empty()) {
    std::string queued = drainOpenSslErrors();
    if (!queued.empty()) detail += " (" + queued + ")";
    if (long verify = SSL_get_verify_result(ssl); verify != X509_V_OK)
      detail += ": client certificate: " + std::string(X509_verify_cert_error_string(verify));
    outcome.refusal = std::move(detail);
    return outcome;
  }

  AuthenticatedPeer peer;
  peer.framework = resolved->framework;
  peer.principal = resolved->principal;
  peer.attributes = resolved->attributes;
  peer.grants = resolved->grants;
  peer.pskIdentity = outcome.presentedPskIdentity;
  peer.remoteAddress = std::move(remoteAddress);
  peer.exportKeyingMaterial = [ssl](std::string_view label, std::size_t length) {
    return exportKeyingMaterial(ssl, label, length);
  };
  outcome.peer = std::move(peer);
  return outcome;
}

}  // namespace rspf::tls
