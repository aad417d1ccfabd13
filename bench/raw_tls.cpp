#include "raw_tls.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include <cerrno>

#include <cstring>
#include <stdexcept>

#include "load_client.hpp"
#include "tls/certificate_profile.hpp"
#include "tls/psk_profile.hpp"

namespace rspf::bench {
namespace {

unsigned int clientPsk(SSL* ssl, const char*, char* identity, unsigned int maxIdentity, unsigned char* psk,
                       unsigned int maxPsk) {
  const auto* c = static_cast<const PskCredential*>(SSL_get_app_data(ssl));
  if (c == nullptr || c->identity.size() + 1 > maxIdentity || c->psk.size() > maxPsk) return 0;
  std::memcpy(identity, c->identity.c_str(), c->identity.size() + 1);
  std::memcpy(psk, c->psk.data(), c->psk.size());
  return static_cast<unsigned int>(c->psk.size());
}

unsigned int fixedServerPsk(SSL* ssl, const char* identity, unsigned char* psk, unsigned int maxPsk) {
  const auto* key = static_cast<const crypto::SecretBytes*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  if (identity == nullptr || key == nullptr || key->size() > maxPsk) return 0;
  std::memcpy(psk, key->data(), key->size());
  return static_cast<unsigned int>(key->size());
}

SslCtxPtr newContext(const SSL_METHOD* method, const char* cipherList = tls::kTls12PskCipherList) {
  SslCtxPtr ctx(SSL_CTX_new(method));
  if (!ctx) throw std::runtime_error("SSL_CTX_new failed: " + openSslErrors());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
  if (SSL_CTX_set_cipher_list(ctx.get(), cipherList) != 1)
    throw std::runtime_error(std::string("cannot set the cipher list ") + cipherList + ": " + openSslErrors());
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  return ctx;
}

SslCtxPtr newCertificateContext(const SSL_METHOD* method, X509* certificate, EVP_PKEY* key) {
  auto ctx = newContext(method, tls::kTls12EcdsaCipherList);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set1_groups_list(ctx.get(), "P-256") != 1 ||
      (certificate != nullptr &&
       (SSL_CTX_use_certificate(ctx.get(), certificate) != 1 || SSL_CTX_use_PrivateKey(ctx.get(), key) != 1)))
    throw std::runtime_error("cannot set up a certificate context: " + openSslErrors());
  return ctx;
}

}  // namespace

std::string openSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

SslCtxPtr newRawPskClientContext() {
  auto ctx = newContext(TLS_client_method());
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_psk_client_callback(ctx.get(), clientPsk);
  return ctx;
}

SslCtxPtr newRawPskServerContext(const crypto::SecretBytes& psk) {
  auto ctx = newContext(TLS_server_method());
  // As the MEF: a full handshake every time, no tickets, no session cache.
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_app_data(ctx.get(), const_cast<crypto::SecretBytes*>(&psk));
  SSL_CTX_set_psk_server_callback(ctx.get(), fixedServerPsk);
  return ctx;
}

SslCtxPtr newRawCertificateServerContext(X509& certificate, EVP_PKEY& key, X509* clientCa,
                                         bool requireClientCertificate) {
  auto ctx = newCertificateContext(TLS_server_method(), &certificate, &key);
  SSL_CTX_set_options(ctx.get(), SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (clientCa != nullptr) {
    if (X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), clientCa) != 1)
      throw std::runtime_error("cannot trust the client CA: " + openSslErrors());
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | (requireClientCertificate ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0),
                       nullptr);
  }
  return ctx;
}

SslCtxPtr newRawCertificateClientContext(X509& trustAnchor, X509* certificate, EVP_PKEY* key) {
  auto ctx = newCertificateContext(TLS_client_method(), certificate, key);
  if (X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), &trustAnchor) != 1)
    throw std::runtime_error("cannot trust the server's CA: " + openSslErrors());
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  return ctx;
}

int listenOnLoopback(std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, SOMAXCONN) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::string why = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1: " + why);
  }
  port = ntohs(address.sin_port);
  return fd;
}

void acceptUntilStopped(int listenFd, const std::atomic<bool>& stopping, const std::function<void(int fd)>& serve) {
  pthread_setname_np(pthread_self(), "raw-server");
  while (!stopping) {
    pollfd p{listenFd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;  // wake up now and then to see stop()
    int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) serve(fd);
  }
}

}  // namespace rspf::bench
