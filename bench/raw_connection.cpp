#include "raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "raw_http.hpp"
#include "raw_tls.hpp"

namespace rspf::bench {

sockaddr_in loopbackAddress(const std::string& host, std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1)
    throw std::invalid_argument("the load generator takes an IPv4 address, not '" + host + "'");
  return address;
}

RawTlsConnection::RawTlsConnection(const sockaddr_in& address, SSL_CTX* ctx, std::chrono::milliseconds timeout)
    : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)), ssl_(nullptr, SSL_free) {
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  timeval tv{};
  tv.tv_sec = timeout.count() / 1000;
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  int one = 1;
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
  ssl_.reset(SSL_new(ctx));
  if (!ssl_) throw std::runtime_error("SSL_new: " + openSslErrors());
  SSL_set_fd(ssl_.get(), fd_);
}

RawTlsConnection::~RawTlsConnection() {
  ssl_.reset();
  if (fd_ >= 0) ::close(fd_);
}

void RawTlsConnection::handshake(const std::string& serverName, bool checkName) {
  if ((!serverName.empty() && SSL_set_tlsext_host_name(ssl_.get(), serverName.c_str()) != 1) ||
      (checkName && SSL_set1_host(ssl_.get(), serverName.c_str()) != 1))
    throw std::runtime_error("cannot set the server name: " + openSslErrors());
  if (SSL_connect(ssl_.get()) != 1) {
    std::string e = openSslErrors();
    throw std::runtime_error("handshake: " + (e.empty() ? std::string(std::strerror(errno)) : e));
  }
}

std::string RawTlsConnection::request(const std::string& head, const std::string& body, const char* what) {
  std::string bytes = head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  if (SSL_write(ssl_.get(), bytes.data(), static_cast<int>(bytes.size())) != static_cast<int>(bytes.size()))
    throw std::runtime_error(std::string(what) + ": write: " + openSslErrors());
  RawHttpMessage response;
  if (!readHttpMessage(ssl_.get(), response, true))
    throw std::runtime_error(std::string(what) + (response.bytes.empty() ? ": no response: " + openSslErrors()
                                                                         : std::string(": truncated response")));
  if (response.head().substr(0, 13) != "HTTP/1.1 200 ")
    throw std::runtime_error(std::string(what) + ": " + response.bytes.substr(0, response.bytes.find("\r\n")) + " " +
                             std::string(response.body().substr(0, 200)));
  return std::string(response.body());
}

void RawTlsConnection::close() {
  if (SSL_is_init_finished(ssl_.get())) SSL_shutdown(ssl_.get());
  linger hard{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
}

}  // namespace rspf::bench
