#include "raw_tls_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace rspf::bench {
namespace {

bool writeAll(SSL* ssl, const std::string& bytes) {
  return SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size())) == static_cast<int>(bytes.size());
}

}  // namespace

RawTlsServer::RawTlsServer(crypto::SecretBytes psk, std::string body, RawSessions sessions)
    : psk_(std::move(psk)),
      ctx_(newRawPskServerContext(psk_)),
      handler_([body = std::move(body)](const RawHttpMessage&) {
        return RawAnswer{"application/json", body};
      }),
      sessions_(sessions) {
  listenFd_ = listenOnLoopback(port_);
}

RawTlsServer::RawTlsServer(SslCtxPtr ctx, RawHandler handler, RawSessions sessions)
    : ctx_(std::move(ctx)), handler_(std::move(handler)), sessions_(sessions) {
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
  std::vector<std::thread> sessions;
  {
    std::lock_guard lock(mutex_);
    for (int fd : sessionFds_) ::shutdown(fd, SHUT_RDWR);  // a blocked SSL_read returns
    sessions.swap(sessionThreads_);
  }
  for (auto& t : sessions) t.join();
}

void RawTlsServer::serve() {
  acceptUntilStopped(listenFd_, stopping_, [this](int fd) {
    if (sessions_ == RawSessions::ThreadEach) {
      std::lock_guard lock(mutex_);
      sessionFds_.push_back(fd);
      sessionThreads_.emplace_back([this, fd] { serveOnItsOwnThread(fd); });
      return;
    }
    serveOne(fd);
    ::close(fd);
  });
}

void RawTlsServer::serveOnItsOwnThread(int fd) {
  pthread_setname_np(pthread_self(), "raw-server");
  serveOne(fd);
  std::lock_guard lock(mutex_);
  sessionFds_.erase(std::remove(sessionFds_.begin(), sessionFds_.end(), fd), sessionFds_.end());
  ::close(fd);
}

void RawTlsServer::serveOne(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (sessions_ == RawSessions::OneAtATime) {
    timeval tv{2, 0};  // a stuck client cannot hold the only thread for long
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
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
