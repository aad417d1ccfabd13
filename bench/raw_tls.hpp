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

// A listening TCP socket on 127.0.0.1 at a free port (set in `port`); throws when it cannot.
int listenOnLoopback(std::uint16_t& port);

// The raw servers' accept loop, on the calling thread (named "raw-server" for profiles): each
// accepted connection goes to `serve`, until `stopping` (seen within 100 ms).
void acceptUntilStopped(int listenFd, const std::atomic<bool>& stopping, const std::function<void(int fd)>& serve);

}  // namespace rspf::bench
