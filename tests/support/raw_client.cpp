#include "support/raw_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <stdexcept>

#include "crypto/encoding.hpp"
#include "tls/certificate_profile.hpp"
#include "tls/psk_profile.hpp"

namespace rspf::testing {
namespace {

unsigned int pskCallback(SSL* ssl, const char*, char* identity, unsigned int maxIdentity, unsigned char* psk,
                         unsigned int maxPsk) {
  auto* tls = static_cast<RawTls*>(SSL_get_app_data(ssl));
  auto key = crypto::fromHex(tls->pskHex);
  if (!key || tls->pskIdentity.size() + 1 > maxIdentity || key->size() > maxPsk) return 0;
  std::memcpy(identity, tls->pskIdentity.c_str(), tls->pskIdentity.size() + 1);
  std::memcpy(psk, key->data(), key->size());
  return static_cast<unsigned int>(key->size());
}

int waitFor(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count()));
}

}  // namespace

RawClient::RawClient(std::uint16_t port, RawTls tls, const std::string& bindAddress) : tls_(std::move(tls)) {
  // OpenSSL writes with write(2): a peer that closed first must give an error, not SIGPIPE.
  static const bool ignored = [] { return std::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
  (void)ignored;
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, bindAddress.c_str(), &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd_, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawClient::~RawClient() { close(); }

void RawClient::shutdownSend() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

void RawClient::close() {
  if (ssl_) SSL_free(ssl_);
  if (ctx_) SSL_CTX_free(ctx_);
  ssl_ = nullptr;
  ctx_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawClient::handshake(std::chrono::milliseconds timeout) {
  if (fd_ < 0) return false;
  if (tls_.kind == RawTls::Kind::None) return true;
  ctx_ = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx_, TLS1_2_VERSION);
  if (tls_.kind == RawTls::Kind::Psk) {
    SSL_CTX_set_cipher_list(ctx_, tls::kTls12PskCipherList);
    SSL_CTX_set_psk_client_callback(ctx_, pskCallback);
  } else {
    SSL_CTX_set_cipher_list(ctx_, tls::kTls12EcdsaCipherList);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);  // the test knows whom it talks to
  }
  ssl_ = SSL_new(ctx_);
  SSL_set_app_data(ssl_, &tls_);
  if (!tls_.serverName.empty()) SSL_set_tlsext_host_name(ssl_, tls_.serverName.c_str());
  SSL_set_fd(ssl_, fd_);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  ::fcntl(fd_, F_SETFL, O_NONBLOCK);
  for (;;) {
    int r = SSL_connect(ssl_);
    if (r == 1) return true;
    int e = SSL_get_error(ssl_, r);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (e == SSL_ERROR_WANT_READ) {
      if (waitFor(fd_, POLLIN, left) <= 0) return false;
    } else if (e == SSL_ERROR_WANT_WRITE) {
      if (waitFor(fd_, POLLOUT, left) <= 0) return false;
    } else {
      return false;
    }
  }
}

bool RawClient::send(std::string_view bytes) {
  if (fd_ < 0) return false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!bytes.empty()) {
    long n;
    if (ssl_) {
      n = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
      if (n <= 0) {
        int e = SSL_get_error(ssl_, static_cast<int>(n));
        if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ) return false;
        n = 0;
      }
    } else {
      n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
      if (n < 0) n = 0;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
    if (!bytes.empty()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      waitFor(fd_, POLLOUT, std::chrono::milliseconds(100));
    }
  }
  return true;
}

long RawClient::readSome(char* buffer, std::size_t size, std::chrono::milliseconds timeout) {
  if (fd_ < 0 || peerClosed_) return 0;
  if (ssl_ && SSL_pending(ssl_) == 0 && waitFor(fd_, POLLIN, timeout) <= 0) return -1;
  if (!ssl_ && waitFor(fd_, POLLIN, timeout) <= 0) return -1;
  long n;
  if (ssl_) {
    n = SSL_read(ssl_, buffer, static_cast<int>(size));
    if (n <= 0) {
      int e = SSL_get_error(ssl_, static_cast<int>(n));
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return -1;
      peerClosed_ = true;
      return 0;
    }
  } else {
    n = ::recv(fd_, buffer, size, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return -1;
    if (n <= 0) {
      peerClosed_ = true;
      return 0;
    }
  }
  return n;
}

std::string RawClient::receive(std::chrono::milliseconds timeout) {
  std::string out;
  char buffer[16384];
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return out;
    long n = readSome(buffer, sizeof buffer, left);
    if (n == 0) return out;
    if (n > 0) out.append(buffer, static_cast<std::size_t>(n));
  }
}

std::string RawClient::receiveResponse(std::chrono::milliseconds timeout) {
  std::string out;
  char buffer[16384];
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto end = out.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::size_t length = 0;
      auto at = out.find("Content-Length: ");
      if (at == std::string::npos) at = out.find("content-length: ");
      if (at != std::string::npos && at < end) length = std::stoul(out.substr(at + 16));
      if (out.size() >= end + 4 + length) return out;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return out;
    long n = readSome(buffer, sizeof buffer, left);
    if (n == 0) return out;
    if (n > 0) out.append(buffer, static_cast<std::size_t>(n));
  }
}

bool RawClient::closedByPeer(std::chrono::milliseconds timeout) {
  char buffer[4096];
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (readSome(buffer, sizeof buffer, left) == 0) return true;
  }
}

int statusOf(const std::string& response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  try {
    return std::stoi(response.substr(9, 3));
  } catch (const std::exception&) {
    return 0;
  }
}

std::string bodyOf(const std::string& response) {
  auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

std::string rawExchange(std::uint16_t port, const std::string& bytes, RawTls tls, const std::string& bindAddress) {
  RawClient c(port, std::move(tls), bindAddress);
  if (!c.handshake()) return "";
  c.send(bytes);  // a refusal may come (and the connection close) before all is sent
  return c.receiveResponse();
}

}  // namespace rspf::testing
