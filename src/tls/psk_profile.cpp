#include "tls/psk_profile.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstring>
#include <stdexcept>

#include "common/error.hpp"
#include "common/time.hpp"
#include "crypto/identifiers.hpp"
#include "tls/dtls_profile.hpp"
#include "tls/openssl_handles.hpp"

namespace rspf::tls {
namespace {

struct ServerState {
  PskServerSettings settings;
  PskIdentityResolver* resolver;
};

struct ClientState {
  PskClientSettings settings;
  const PskClientCredentials* credentials;
};

void freeServerState(void*, void* p, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<ServerState*>(p); }
void freeResolvedPsk(void*, void* p, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<ResolvedPsk*>(p); }
void freeClientState(void*, void* p, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<ClientState*>(p); }

int serverStateIndex() {
  static int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, freeServerState);
  return index;
}
int resolvedPskIndex() {
  static int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, freeResolvedPsk);
  return index;
}
int clientStateIndex() {
  static int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, freeClientState);
  return index;
}

// The suite this handshake negotiated; in TLS 1.2 the PSK callbacks run after ServerHello.
std::uint16_t negotiatedCipherSuite(SSL* ssl) {
  const SSL_CIPHER* cipher = SSL_get_pending_cipher(ssl);
  if (cipher == nullptr) cipher = SSL_get_current_cipher(ssl);
  return cipher == nullptr ? 0 : SSL_CIPHER_get_protocol_id(cipher);
}

ServerState* serverStateOf(SSL* ssl) {
  return static_cast<ServerState*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), serverStateIndex()));
}

// Asks the resolver and keeps its answer (without the key) on `ssl`; returns the key.
std::optional<crypto::SecretBytes> resolveAndKeep(SSL* ssl, PskIdentityResolver& resolver, std::string_view identity,
                                                  std::size_t maxPskLength) {
  std::optional<ResolvedPsk> resolved;
  try {
    resolved = resolver.resolveInHandshake(identity, HandshakeContext{negotiatedCipherSuite(ssl)});
  } catch (...) {         // an exception must not cross OpenSSL's C frames
    return std::nullopt;  // the resolver logs its own failure
  }
  if (!resolved || resolved->psk.empty() || resolved->psk.size() > maxPskLength) return std::nullopt;
  crypto::SecretBytes key = std::move(resolved->psk);
  resolved->psk.clear();
  delete static_cast<ResolvedPsk*>(SSL_get_ex_data(ssl, resolvedPskIndex()));
  SSL_set_ex_data(ssl, resolvedPskIndex(), new ResolvedPsk(std::move(*resolved)));
  return key;
}

unsigned int serverPskCallback(SSL* ssl, const char* identity, unsigned char* psk, unsigned int maxPskLength) {
  ServerState* state = serverStateOf(ssl);
  if (state == nullptr || identity == nullptr) return 0;
  auto key = resolveAndKeep(ssl, *state->resolver, identity, maxPskLength);
  if (!key) return 0;
  std::memcpy(psk, key->data(), key->size());
  return static_cast<unsigned int>(key->size());  // the handshake has its copy; ours is wiped here
}

struct DtlsRestriction {
  std::string serverName;
  std::string cipherList;
  std::vector<std::uint32_t> cipherIds;  // what cipherList names, in its order
  std::function<void(SSL*)> prepareConnection;
};

std::vector<std::uint32_t> cipherIdsOf(const STACK_OF(SSL_CIPHER) * ciphers) {
  std::vector<std::uint32_t> ids;
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i)
    ids.push_back(SSL_CIPHER_get_id(sk_SSL_CIPHER_value(ciphers, i)));
  return ids;
}

// Whether `ssl` offers exactly the restriction's suites already (it took the context's list, which
// restrictDtlsServer set). SSL_set_cipher_list parses and sorts every suite OpenSSL knows (~140 k
// instructions with OpenSSL 3.0): it runs only for a connection the library gave a list of its own.
bool offersOnly(SSL* ssl, const DtlsRestriction& r) {
  const STACK_OF(SSL_CIPHER)* ciphers = SSL_get_ciphers(ssl);
  if (ciphers == nullptr || static_cast<std::size_t>(sk_SSL_CIPHER_num(ciphers)) != r.cipherIds.size()) return false;
  for (std::size_t i = 0; i < r.cipherIds.size(); ++i)
    if (SSL_CIPHER_get_id(sk_SSL_CIPHER_value(ciphers, static_cast<int>(i))) != r.cipherIds[i]) return false;
  return true;
}

void freeDtlsRestriction(void*, void* p, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<DtlsRestriction*>(p); }
int dtlsRestrictionIndex() {
  static int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, freeDtlsRestriction);
  return index;
}

int dtlsClientHelloCallback(SSL* ssl, int* alert, void*) {
  const auto* r =
      static_cast<const DtlsRestriction*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), dtlsRestrictionIndex()));
  if (r == nullptr) return SSL_CLIENT_HELLO_SUCCESS;
  const unsigned char* ext = nullptr;
  std::size_t length = 0;
  // server_name (RFC 6066 3): list length (2), type (1), name length (2), name. A literal IP address
  // is not a HostName there (some CoAP clients send the URI's host anyway): it names nobody, so it is
  // treated as no SNI.
  if (!r->serverName.empty() && SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &ext, &length) == 1) {
    if (length < 5 || ext[2] != TLSEXT_NAMETYPE_host_name ||
        static_cast<std::size_t>((ext[3] << 8) | ext[4]) + 5 != length) {
      *alert = SSL_AD_DECODE_ERROR;
      return SSL_CLIENT_HELLO_ERROR;
    }
    std::string name(reinterpret_cast<const char*>(ext + 5), length - 5);
    unsigned char address[16];
    const bool literal =
        inet_pton(AF_INET, name.c_str(), address) == 1 || inet_pton(AF_INET6, name.c_str(), address) == 1;
    if (!literal && !crypto::equalsIgnoreCase(name, r->serverName)) {
      *alert = SSL_AD_UNRECOGNIZED_NAME;
      return SSL_CLIENT_HELLO_ERROR;
    }
  }
  if ((!offersOnly(ssl, *r) && SSL_set_cipher_list(ssl, r->cipherList.c_str()) != 1) ||
      SSL_set_min_proto_version(ssl, DTLS1_2_VERSION) != 1 || SSL_set_max_proto_version(ssl, DTLS1_2_VERSION) != 1) {
    *alert = SSL_AD_INTERNAL_ERROR;
    return SSL_CLIENT_HELLO_ERROR;
  }
  SSL_set_options(ssl, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (r->prepareConnection) {
    try {
      r->prepareConnection(ssl);
    } catch (...) {  // no exception may cross OpenSSL's C frames
      *alert = SSL_AD_INTERNAL_ERROR;
      return SSL_CLIENT_HELLO_ERROR;
    }
  }
  return SSL_CLIENT_HELLO_SUCCESS;
}

int serverNameCallback(SSL* ssl, int* alert, void*) {
  ServerState* state = serverStateOf(ssl);
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (state == nullptr || name == nullptr || state->settings.serverName.empty())
    return SSL_TLSEXT_ERR_OK;  // SNI is optional for the client
  if (crypto::equalsIgnoreCase(name, state->settings.serverName)) return SSL_TLSEXT_ERR_OK;
  *alert = SSL_AD_UNRECOGNIZED_NAME;
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

unsigned int clientPskCallback(SSL* ssl, const char*, char* identity, unsigned int maxIdentityLength,
                               unsigned char* psk, unsigned int maxPskLength) {
  auto* state = static_cast<ClientState*>(SSL_get_ex_data(ssl, clientStateIndex()));
  if (state == nullptr || state->credentials == nullptr) return 0;
  const auto& c = *state->credentials;
  crypto::SecretBytes derived;
  if (c.pskForCipherSuite) {
    try {
      derived = c.pskForCipherSuite(negotiatedCipherSuite(ssl));
    } catch (...) {
      return 0;
    }
  }
  const crypto::SecretBytes& key = c.pskForCipherSuite ? derived : c.psk;
  if (c.pskIdentity.size() + 1 > maxIdentityLength || key.empty() || key.size() > maxPskLength) return 0;
  std::memcpy(identity, c.pskIdentity.c_str(), c.pskIdentity.size() + 1);
  std::memcpy(psk, key.data(), key.size());
  return static_cast<unsigned int>(key.size());
}

void setVersions(SSL_CTX* ctx, bool tls13) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx, tls13 ? TLS1_3_VERSION : TLS1_2_VERSION);
  if (SSL_CTX_set_cipher_list(ctx, kTls12PskCipherList) != 1 ||
      SSL_CTX_set_ciphersuites(ctx, kTls13PskCipherSuites) != 1)
    throw Error(ErrorCode::Tls, "cannot set the TLS-PSK cipher suites: " + drainOpenSslErrors());
}

}  // namespace

void configurePskServer(SSL_CTX* ctx, const PskServerSettings& settings, PskIdentityResolver* resolver) {
  setVersions(ctx, settings.tls13);
  // Every connection authenticates afresh with its PSK: no session resumption, no tickets.
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx, 0);
  SSL_CTX_set_ex_data(ctx, serverStateIndex(), new ServerState{settings, resolver});
  SSL_CTX_set_psk_server_callback(ctx, serverPskCallback);
  if (!settings.identityHint.empty()) SSL_CTX_use_psk_identity_hint(ctx, settings.identityHint.c_str());
  SSL_CTX_set_tlsext_servername_callback(ctx, serverNameCallback);
}

const ResolvedPsk* resolvedPskOf(const SSL* ssl) {
  return static_cast<const ResolvedPsk*>(SSL_get_ex_data(ssl, resolvedPskIndex()));
}

bool pskAuthenticated(const SSL* ssl) {
  if (resolvedPskOf(ssl) == nullptr) return false;
  // TLS 1.3: a PSK handshake is a resumption; anything else did not use the PSK (PITFALLS). DTLS is
  // 1.2 only here (its version numbers count down, so they are not compared with TLS's).
  if (!SSL_is_dtls(ssl) && SSL_version(ssl) >= TLS1_3_VERSION) return SSL_session_reused(const_cast<SSL*>(ssl)) == 1;
  return true;
}

std::vector<std::uint16_t> dtlsPskSuites() { return {kPskWithAes128Ccm8, kPskWithAes128GcmSha256}; }
std::vector<std::uint16_t> dtlsCertificateSuites() {
  return {kEcdheEcdsaWithAes128Ccm8, kEcdheEcdsaWithAes128GcmSha256};
}

std::optional<crypto::SecretBytes> resolvePskInHandshake(SSL* ssl, PskIdentityResolver& resolver,
                                                         std::string_view identity) {
  return resolveAndKeep(ssl, resolver, identity, PSK_MAX_PSK_LEN);
}

void restrictDtlsServer(SSL_CTX* ctx, std::string serverName, std::string cipherList,
                        std::function<void(SSL* ssl)> prepareConnection) {
  // The context's own list, so that a connection made from it after this needs no list of its own.
  if (SSL_CTX_set_cipher_list(ctx, cipherList.c_str()) != 1)
    throw Error(ErrorCode::Tls, "invalid DTLS cipher list '" + cipherList + "': " + drainOpenSslErrors());
  auto ids = cipherIdsOf(SSL_CTX_get_ciphers(ctx));
  delete static_cast<DtlsRestriction*>(SSL_CTX_get_ex_data(ctx, dtlsRestrictionIndex()));
  SSL_CTX_set_ex_data(
      ctx, dtlsRestrictionIndex(),
      new DtlsRestriction{std::move(serverName), std::move(cipherList), std::move(ids), std::move(prepareConnection)});
  SSL_CTX_set_client_hello_cb(ctx, dtlsClientHelloCallback, nullptr);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
}

void configurePskClient(SSL_CTX* ctx, const PskClientSettings& settings) {
  setVersions(ctx, settings.tls13);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_psk_client_callback(ctx, clientPskCallback);
}

void attachPskClientCredentials(SSL* ssl, const PskClientSettings& settings, const PskClientCredentials* credentials) {
  SSL_set_ex_data(ssl, clientStateIndex(), new ClientState{settings, credentials});
  if (!settings.serverName.empty() && SSL_set_tlsext_host_name(ssl, settings.serverName.c_str()) != 1)
    throw Error(ErrorCode::Tls, "cannot set the server name (SNI): " + drainOpenSslErrors());
}

crypto::SecretBytes exportKeyingMaterial(SSL* ssl, std::string_view label, std::size_t length) {
  crypto::SecretBytes out(length);
  if (SSL_export_keying_material(ssl, out.data(), out.size(), label.data(), label.size(), nullptr, 0, 0) != 1)
    throw Error(ErrorCode::Tls, "TLS key export failed: " + drainOpenSslErrors());
  return out;
}

std::string describeHandshakeFailure(const std::string& e) {
  auto has = [&](const char* s) { return e.find(s) != std::string::npos; };
  if (has("unknown psk identity")) return "the server does not know this PSK identity (alert unknown_psk_identity)";
  if (has("bad record mac") || has("decrypt error") || has("decryption failed"))
    return "the pre-shared key does not match the server's (handshake integrity check failed)";
  if (has("unrecognized name") || has("unrecognised name")) return "the server refused the requested server name (SNI)";
  // A device maker's first questions: was the device's certificate revoked, or is its clock wrong?
  if (has("certificate revoked"))
    return "the server refused this client certificate: it has been revoked (ask the operator for a new one)";
  if (has("certificate expired") || has("certificate has expired") || has("certificate is not yet valid"))
    return std::string(has("alert") ? "the server refused this client certificate" : "the server's certificate") +
           ": expired or not yet valid by the clock it was checked with; check the device clock (it reads " +
           toRfc3339(now()) + ")";
  if (has("no shared cipher") || has("no suitable") || has("handshake failure") || has("unsupported protocol") ||
      has("protocol version"))
    return "no common TLS version or PSK cipher suite (handshake failure)";
  if (has("certificate verify failed"))
    return "the server's certificate did not verify against the trust anchors or does not name the server";
  if (has("certificate required") || has("peer did not return a certificate"))
    return "the server requires a client certificate";
  if (has("unknown ca") || has("bad certificate") || has("certificate unknown"))
    return "the server refused this client certificate (untrusted or not registered)";
  if (has("wrong version number") || has("http request")) return "the peer is not a TLS 1.2 server at this address";
  if (e.empty()) return "the connection was closed during the TLS handshake";
  return "TLS handshake failed: " + e;
}

}  // namespace rspf::tls
