#include "tls/certificate_profile.hpp"

#include <openssl/x509v3.h>

#include "common/error.hpp"
#include "tls/openssl_handles.hpp"
#include "tls/psk_profile.hpp"

namespace rspf::tls {
namespace {

void freeResolvedPeer(void*, void* p, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<ResolvedPsk*>(p); }

int resolvedPeerIndex() {
  static int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, freeResolvedPeer);
  return index;
}

// Replaces OpenSSL's chain verification for client certificates: path validation against the
// context's store, then the resolver's decision (SSL_CTX_set_cert_verify_callback). Returning 0
// fails the handshake; the reason stays in the verify result for the server's log.
int verifyClientCertificate(X509_STORE_CTX* context, void* arg) {
  auto* resolver = static_cast<CertificatePeerResolver*>(arg);
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(context, SSL_get_ex_data_X509_STORE_CTX_idx()));
  X509* leaf = X509_STORE_CTX_get0_cert(context);
  if (resolver == nullptr || ssl == nullptr || leaf == nullptr) return 0;
  const bool verified = X509_verify_cert(context) == 1;
  const int error = X509_STORE_CTX_get_error(context);
  std::optional<ResolvedPsk> resolved;
  PresentedCertificate presented{*leaf, X509_STORE_CTX_get0_untrusted(context), verified, error};
  try {
    resolved = resolver->resolve(presented);
  } catch (...) {      // an exception must not cross OpenSSL's C frames
    resolved.reset();  // the resolver logged why; a failure to decide is a refusal
  }
  if (!resolved) {
    if (presented.refusal != 0)
      X509_STORE_CTX_set_error(context, presented.refusal);
    else if (verified)
      X509_STORE_CTX_set_error(context, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  X509_STORE_CTX_set_error(context, X509_V_OK);
  delete static_cast<ResolvedPsk*>(SSL_get_ex_data(ssl, resolvedPeerIndex()));
  SSL_set_ex_data(ssl, resolvedPeerIndex(), new ResolvedPsk(std::move(*resolved)));
  return 1;
}

}  // namespace

void enableCertificateAuthentication(SSL_CTX* ctx, const CertificateServerCredentials& credentials,
                                     CertificatePeerResolver* resolver) {
  CertificateServerCredentials c = credentials;
  std::shared_ptr<const ServerCredentialSet> set;
  if (c.reloadable) {
    set = c.reloadable->current();
    c.certificate = set->certificate.get();
    c.privateKey = set->privateKey.get();
    if (set->clientTrustAnchors) c.clientTrustAnchors = set->clientTrustAnchors.get();
    useReloadableCredentials(ctx, *c.reloadable);
  }
  if (SSL_CTX_use_certificate(ctx, c.certificate) != 1 || SSL_CTX_use_PrivateKey(ctx, c.privateKey) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1)
    throw Error(ErrorCode::Config, "the MEF's certificate and key do not fit: " + drainOpenSslErrors());
  std::string ciphers = std::string(kTls12PskCipherList) + ":" + kTls12EcdsaCipherList;
  if (SSL_CTX_set_cipher_list(ctx, ciphers.c_str()) != 1)
    throw Error(ErrorCode::Tls, "cannot set the certificate cipher suites: " + drainOpenSslErrors());
  SSL_CTX_set1_groups_list(ctx, "P-256");
  SSL_CTX_set1_cert_store(ctx, c.clientTrustAnchors);
  SSL_CTX_set_verify(
      ctx, c.clientCertificateRequired ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_cert_verify_callback(ctx, verifyClientCertificate, resolver);
  if (c.slot != nullptr) c.slot->install(ctx);
}

void prepareCertificateConnection(SSL* ssl, const CertificateServerCredentials& c) {
  SSL_set_verify(ssl, c.clientCertificateRequired ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER,
                 nullptr);
  if (c.slot != nullptr) {
    c.slot->install(ssl);
  } else if (c.reloadable) {
    useReloadableCredentials(ssl, *c.reloadable);
  } else if (SSL_use_certificate(ssl, c.certificate) != 1 || SSL_use_PrivateKey(ssl, c.privateKey) != 1) {
    throw Error(ErrorCode::Tls, "cannot present the server's certificate: " + drainOpenSslErrors());
  }
}

const ResolvedPsk* resolvedCertificatePeerOf(SSL* ssl) {
  if (SSL_get0_peer_certificate(ssl) == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return nullptr;
  return static_cast<const ResolvedPsk*>(SSL_get_ex_data(ssl, resolvedPeerIndex()));
}

void configureCertificateClient(SSL_CTX* ctx, const CertificateClientCredentials& c) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  if (SSL_CTX_set_cipher_list(ctx, kTls12EcdsaCipherList) != 1)
    throw Error(ErrorCode::Tls, "cannot set the certificate cipher suites: " + drainOpenSslErrors());
  SSL_CTX_set1_groups_list(ctx, "P-256");
  if (c.certificate != nullptr &&
      (SSL_CTX_use_certificate(ctx, c.certificate) != 1 || SSL_CTX_use_PrivateKey(ctx, c.privateKey) != 1 ||
       SSL_CTX_check_private_key(ctx) != 1))
    throw Error(ErrorCode::Config, "the certificate and key do not fit: " + drainOpenSslErrors());
  SSL_CTX_set1_cert_store(ctx, c.serverTrustAnchors);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (c.slot != nullptr) c.slot->install(ctx);
}

void expectServerName(SSL* ssl, const std::string& serverName) {
  if (SSL_set_tlsext_host_name(ssl, serverName.c_str()) != 1 || SSL_set1_host(ssl, serverName.c_str()) != 1)
    throw Error(ErrorCode::Tls, "cannot set the server name '" + serverName + "': " + drainOpenSslErrors());
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
}

}  // namespace rspf::tls
