#include "raw_tls_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>
#include <string>

namespace rspf::bench {
namespace {

RawAnswer statusTrue(const RawHttpMessage&) { return {"application/json", "{\"Status\":true}"}; }

bool writeAll(SSL* ssl, const std::string& bytes) {
  return SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size())) == static_cast<int>(bytes.size());
}

}  // namespace

RawTlsServer::RawTlsServer(crypto::SecretBytes psk)
    : psk_(std::move(psk)), ctx_(newRawPskServerContext(psk_)), handler_(statusTrue) {
  listenFd_ = listenOnLoopback(port_);
}

RawTlsServer::RawTlsServer(SslCtxPtr ctx, RawHandler handler) : ctx_(std::move(ctx)), handler_(std::move(handler)) {
  listenFd_ = listenOnLoopback(port_);
}

RawTlsServer::~RawTlsServer() {
  stop();
  if (listenFd_ >= 0) ::close(listenFd_);
}

void RawTlsServer::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { serve(); });
}

void RawTlsServer::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void RawTlsServer::serve() {
  acceptUntilStopped(listenFd_, stopping_, [this](int fd) {
    serveOne(fd);
    ::close(fd);
  });
}

void RawTlsServer::serveOne(int fd) {
  int one = 1;
  timeval tv{2, 0};  // a stuck client cannot hold the only thread for long
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  SSL* ssl = SSL_new(ctx_.get());
  bool ok = false;
  if (ssl != nullptr) {
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      try {
        RawHttpMessage request;
        while (readHttpMessage(ssl, request, false)) {
          const bool close = saysClose(request);
          RawAnswer answer = handler_(request);
          if (!writeAll(ssl, "HTTP/1.1 200 OK\r\nContent-Type: " + answer.contentType +
                                 "\r\nContent-Length: " + std::to_string(answer.body.size()) + "\r\n" +
                                 (close ? "Connection: close\r\n" : "") + "\r\n" + answer.body))
            break;
          ok = true;
          if (close) {
            SSL_shutdown(ssl);  // one close_notify, no wait for the peer's
            break;
          }
        }
      } catch (const std::exception&) {
        ok = false;
      }
    }
    SSL_free(ssl);
  }
  ERR_clear_error();
  (ok ? served_ : failed_).fetch_add(1);
}

}  // namespace rspf::bench
