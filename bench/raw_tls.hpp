#pragma once
// The raw OpenSSL peers' TLS 1.2 PSK contexts, shared by the load generators and the baselines so
// that both sides of every comparison negotiate the same way: the project's cipher list
// (tls::kTls12PskCipherList), no tickets, no session cache, no renegotiation.
#include <openssl/ssl.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "crypto/secret_bytes.hpp"

namespace rspf::bench {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// Everything on OpenSSL's error queue, "; "-separated (the queue is emptied).
std::string openSslErrors();

// A client context whose PSK callback answers with the PskCredential set as each SSL's app data
// (SSL_set_app_data(ssl, const PskCredential*)).
SslCtxPtr newRawPskClientContext();

// A server context answering every identity with `psk` (which must outlive it).
SslCtxPtr newRawPskServerContext(const crypto::SecretBytes& psk);

// TLS 1.2 ECDHE-ECDSA contexts as the project's certificate profile (tls::kTls12EcdsaCipherList, P-256
// only), no tickets, no session cache. A server with `certificate` and `key`; when `clientCa` is set
// it asks for a client certificate chaining to it (mutual), and refuses a client without one when
// `requireClientCertificate`.
SslCtxPtr newRawCertificateServerContext(X509& certificate, EVP_PKEY& key, X509* clientCa,
                                         bool requireClientCertificate = true);
// A client verifying the server's chain against `trustAnchor` (the name: SSL_set1_host per
// connection); with `certificate` and `key` it authenticates itself too.
SslCtxPtr newRawCertificateClientContext(X509& trustAnchor, X509* certificate, EVP_PKEY* key);

// A listening TCP socket on 127.0.0.1 at a free port (set in `port`); throws when it cannot.
int listenOnLoopback(std::uint16_t& port);

// The raw servers' accept loop, on the calling thread (named "raw-server" for profiles): each
// accepted connection goes to `serve`, until `stopping` (seen within 100 ms).
void acceptUntilStopped(int listenFd, const std::atomic<bool>& stopping, const std::function<void(int fd)>& serve);

}  // namespace rspf::bench
