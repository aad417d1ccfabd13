#include "raw_kept_alive_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "raw_http.hpp"

namespace rspf::bench {

RawKeptAliveServer::RawKeptAliveServer(crypto::SecretBytes psk, std::string body)
    : psk_(std::move(psk)),
      response_("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\n\r\n" + body),
      ctx_(newRawPskServerContext(psk_)) {
  listenFd_ = listenOnLoopback(port_);
}

RawKeptAliveServer::~RawKeptAliveServer() {
  stop();
  if (listenFd_ >= 0) ::close(listenFd_);
}

void RawKeptAliveServer::start() {
  if (!acceptor_.joinable()) acceptor_ = std::thread([this] { acceptLoop(); });
}

void RawKeptAliveServer::stop() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> sessions;
  {
    std::lock_guard lock(mutex_);
    for (int fd : sessionFds_) ::shutdown(fd, SHUT_RDWR);  // a blocked SSL_read returns
    sessions.swap(sessions_);
  }
  for (auto& t : sessions) t.join();
}

void RawKeptAliveServer::acceptLoop() {
  acceptUntilStopped(listenFd_, stopping_, [this](int fd) {
    std::lock_guard lock(mutex_);
    sessionFds_.push_back(fd);
    sessions_.emplace_back([this, fd] { serveSession(fd); });
  });
}

void RawKeptAliveServer::serveSession(int fd) {
  pthread_setname_np(pthread_self(), "raw-server");
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (SSL* ssl = SSL_new(ctx_.get())) {
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      RawHttpMessage request;
      while (!stopping_ && readHttpMessage(ssl, request, false) &&
             SSL_write(ssl, response_.data(), static_cast<int>(response_.size())) ==
                 static_cast<int>(response_.size())) {
      }
    }
    SSL_free(ssl);
  }
  ERR_clear_error();
  std::lock_guard lock(mutex_);
  sessionFds_.erase(std::remove(sessionFds_.begin(), sessionFds_.end(), fd), sessionFds_.end());
  ::close(fd);
}

}  // namespace rspf::bench
