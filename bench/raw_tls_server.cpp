#include "raw_openssl_psk_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "raw_http.hpp"
#include "raw_tls.hpp"

namespace rspf::bench {
namespace {

constexpr std::string_view kResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n"
    "{\"Status\":true}";

}  // namespace

RawOpenSslPskServer::RawOpenSslPskServer(crypto::SecretBytes psk)
    : psk_(std::move(psk)), ctx_(newRawPskServerContext(psk_)) {
  listenFd_ = listenOnLoopback(port_);
}

RawOpenSslPskServer::~RawOpenSslPskServer() {
  stop();
  if (listenFd_ >= 0) ::close(listenFd_);
}

void RawOpenSslPskServer::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { serve(); });
}

void RawOpenSslPskServer::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void RawOpenSslPskServer::serve() {
  acceptUntilStopped(listenFd_, stopping_, [this](int fd) {
    serveOne(fd);
    ::close(fd);
  });
}

void RawOpenSslPskServer::serveOne(int fd) {
  int one = 1;
  timeval tv{2, 0};  // a stuck client cannot hold the only thread for long
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  SSL* ssl = SSL_new(ctx_.get());
  bool ok = false;
  if (ssl != nullptr) {
    SSL_set_fd(ssl, fd);
    RawHttpMessage request;
    if (SSL_accept(ssl) == 1 && readHttpMessage(ssl, request, false) &&
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
