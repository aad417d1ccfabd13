#pragma once
// The (D)TLS certificate profile of TS-0003 10.2.3 (PROTOCOL.md section 2): ECDHE_ECDSA with EC P-256,
// mutual authentication. A MEF listener may offer it beside the PSK suites: the client's offer
// decides which framework runs.
#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <string>

#include "tls/certificate_slot.hpp"
#include "tls/psk_identity_resolver.hpp"
#include "tls/reloadable_credentials.hpp"

namespace rspf::tls {

// The mandatory TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 plus AES-128-GCM.
inline constexpr const char* kTls12EcdsaCipherList = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA256";

// What a client presented in a certificate handshake, with the result of RFC 5280 path validation
// against the listener's client trust anchors.
struct PresentedCertificate {
  X509& leaf;
  STACK_OF(X509) * intermediates = nullptr;  // untrusted, as the client sent them; may be null
  bool chainVerified = false;
  int verifyError = 0;  // X509_V_OK, or why the chain did not verify
  // A resolver that refuses may say why (e.g. X509_V_ERR_CERT_REVOKED): the client then gets the
  // matching alert (certificate_revoked) instead of a bare handshake_failure.
  mutable int refusal = 0;
};

// Maps a client certificate to who the peer is (the Certificate-Based framework). It decides in
// the handshake: a chain that did not verify against the listener's anchors may still be accepted
// for an identity registered with its own trust anchor or raw public key (TS-0003 8.1.2.4).
class CertificatePeerResolver {
 public:
  virtual ~CertificatePeerResolver() = default;
  // nullopt: the certificate names no registered identity; the handshake fails.
  // Called on a network thread during the handshake.
  virtual std::optional<ResolvedPsk> resolve(const PresentedCertificate& presented) = 0;
};

// The server's own certificate and the anchors it verifies clients against (RFC 5280, in the handshake).
struct CertificateServerCredentials {
  X509* certificate = nullptr;               // not owned; up-referenced by the context
  EVP_PKEY* privateKey = nullptr;            // not owned
  X509_STORE* clientTrustAnchors = nullptr;  // not owned; up-referenced by the context
  // False: a client may also connect without a certificate (the BSF: Enrolees on Ub have none,
  // NAFs on Zn present theirs). A certificate that is presented must still verify.
  bool clientCertificateRequired = true;
  // When set, the three above come from it instead, and SIGHUP can replace them (reloadable_credentials.hpp).
  std::shared_ptr<ReloadableServerCredentials> reloadable = nullptr;
  // When set, each handshake presents the slot's current certificate and key (renewed while running).
  const CertificateSlot* slot = nullptr;
};

// Adds ECDHE-ECDSA suites and mutual authentication to a server context set up by configurePskServer.
// For a PSK handshake nothing changes (no CertificateRequest is sent).
void enableCertificateAuthentication(SSL_CTX* ctx, const CertificateServerCredentials& credentials,
                                     CertificatePeerResolver* resolver);
// For one connection of a context set up by enableCertificateAuthentication, when its SSL object was
// made before that (libcoap makes one ahead for the next DTLS client): the certificate to present (or
// the slot or reloadable set that supplies it at the handshake) and the client verification mode.
void prepareCertificateConnection(SSL* ssl, const CertificateServerCredentials& credentials);
// The resolver's answer for a connection whose client certificate it accepted, else nullptr.
const ResolvedPsk* resolvedCertificatePeerOf(SSL* ssl);

// A client context for certificate authentication: its certificate and key, the server's trust
// anchors; the server name is checked against the certificate (hostname verification).
struct CertificateClientCredentials {
  X509* certificate = nullptr;  // with privateKey; both null: server authentication only (GBA Ub)
  EVP_PKEY* privateKey = nullptr;
  X509_STORE* serverTrustAnchors = nullptr;
  const CertificateSlot* slot = nullptr;  // as in CertificateServerCredentials
};
void configureCertificateClient(SSL_CTX* ctx, const CertificateClientCredentials& credentials);
void expectServerName(SSL* ssl, const std::string& serverName);  // SNI and hostname check

}  // namespace rspf::tls
