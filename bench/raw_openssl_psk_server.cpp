#include "raw_openssl_psk_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tls/psk_profile.hpp"

namespace rspf::bench {
namespace {

constexpr std::string_view kResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n"
    "{\"Status\":true}";

SSL_CTX* ctxOf(void* p) { return static_cast<SSL_CTX*>(p); }

unsigned int fixedPsk(SSL* ssl, const char* identity, unsigned char* psk, unsigned int maxPsk) {
  const auto* key = static_cast<const crypto::SecretBytes*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  if (identity == nullptr || key == nullptr || key->size() > maxPsk) return 0;
  std::memcpy(psk, key->data(), key->size());
  return static_cast<unsigned int>(key->size());
}

// Reads one request: headers, then Content-Length bytes of body. False on error or EOF.
bool readRequest(SSL* ssl) {
  std::string in;
  char buf[4096];
  std::size_t headerEnd = std::string::npos;
  std::size_t wanted = std::string::npos;
  while (wanted == std::string::npos || in.size() < wanted) {
    int n = SSL_read(ssl, buf, sizeof buf);
    if (n <= 0) return false;
    in.append(buf, static_cast<std::size_t>(n));
    if (headerEnd == std::string::npos) {
      headerEnd = in.find("\r\n\r\n");
      if (headerEnd == std::string::npos) {
        if (in.size() > 16 * 1024) return false;
        continue;
      }
      std::size_t length = 0;
      for (std::size_t i = 0; i < headerEnd; ++i) {
        if (in[i] != '\n' || strncasecmp(in.c_str() + i + 1, "content-length:", 15) != 0) continue;
        for (std::size_t p = i + 16; p < headerEnd && (in[p] == ' ' || (in[p] >= '0' && in[p] <= '9')); ++p)
          if (in[p] != ' ') length = length * 10 + static_cast<std::size_t>(in[p] - '0');
        break;
      }
      wanted = headerEnd + 4 + length;
    }
  }
  return true;
}

}  // namespace

RawOpenSslPskServer::RawOpenSslPskServer(crypto::SecretBytes psk) : psk_(std::move(psk)) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) throw std::runtime_error("SSL_CTX_new failed");
  ctx_ = ctx;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_set_cipher_list(ctx, tls::kTls12PskCipherList) != 1)
    throw std::runtime_error("cannot set the PSK cipher list");
  // As the MEF: a full handshake every time, no tickets, no session cache.
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_app_data(ctx, &psk_);
  SSL_CTX_set_psk_server_callback(ctx, fixedPsk);

  listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listenFd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listenFd_, SOMAXCONN) != 0 ||
      ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error(std::string("cannot listen on 127.0.0.1: ") + std::strerror(errno));
  port_ = ntohs(address.sin_port);
}

RawOpenSslPskServer::~RawOpenSslPskServer() {
  stop();
  if (listenFd_ >= 0) ::close(listenFd_);
  SSL_CTX_free(ctxOf(ctx_));
}

void RawOpenSslPskServer::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { serve(); });
}

void RawOpenSslPskServer::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void RawOpenSslPskServer::serve() {
  pthread_setname_np(pthread_self(), "raw-server");
  while (!stopping_) {
    pollfd p{listenFd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;  // wake up now and then to see stop()
    int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    serveOne(fd);
    ::close(fd);
  }
}

void RawOpenSslPskServer::serveOne(int fd) {
  int one = 1;
  timeval tv{2, 0};  // a stuck client cannot hold the only thread for long
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  SSL* ssl = SSL_new(ctxOf(ctx_));
  bool ok = false;
  if (ssl != nullptr) {
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1 && readRequest(ssl) &&
        SSL_write(ssl, kResponse.data(), static_cast<int>(kResponse.size())) == static_cast<int>(kResponse.size())) {
      ok = true;
      SSL_shutdown(ssl);  // one close_notify, no wait for the peer's
    }
    SSL_free(ssl);
  }
  ERR_clear_error();
  (ok ? served_ : failed_).fetch_add(1);
}

}  // namespace rspf::bench
