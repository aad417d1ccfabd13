// tls::restrictDtlsServer (PITFALLS: libcoap's DTLS server offers every PSK suite): a DTLS 1.2
// server restricted to the profile's suites refuses a client that offers only others, whether the
// connection took the context's list or the library gave the connection a list of its own; the
// profile's suite is still negotiated. Real DTLS over two UDP sockets on 127.0.0.1.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "tls/dtls_profile.hpp"
#include "tls/openssl_handles.hpp"

namespace rspf::tls {
namespace {

constexpr unsigned char kKey[16] = {0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
                                    0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f};

unsigned int serverPsk(SSL*, const char*, unsigned char* psk, unsigned int maxPskLength) {
  if (maxPskLength < sizeof(kKey)) return 0;
  std::memcpy(psk, kKey, sizeof(kKey));
  return sizeof(kKey);
}

unsigned int clientPsk(SSL*, const char*, char* identity, unsigned int maxIdentityLength, unsigned char* psk,
                       unsigned int maxPskLength) {
  const char kIdentity[] = "device-1";
  if (maxIdentityLength < sizeof(kIdentity) || maxPskLength < sizeof(kKey)) return 0;
  std::memcpy(identity, kIdentity, sizeof(kIdentity));
  std::memcpy(psk, kKey, sizeof(kKey));
  return sizeof(kKey);
}

// A non-blocking UDP socket on 127.0.0.1, closed with the object.
class UdpSocket {
 public:
  UdpSocket() : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
    EXPECT_GE(fd_, 0);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&any), sizeof(any)), 0);
    socklen_t length = sizeof(address_);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address_), &length), 0);
    EXPECT_EQ(::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK), 0);
  }
  ~UdpSocket() { ::close(fd_); }
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // A datagram BIO on this socket, connected to `peer` (the SSL object takes it).
  BIO* bioTo(UdpSocket& peer) {
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&peer.address_), sizeof(peer.address_)), 0);
    BIO* bio = BIO_new_dgram(fd_, BIO_NOCLOSE);
    BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &peer.address_);
    return bio;
  }

 private:
  int fd_;
  sockaddr_in address_{};
};

bool wantsMore(SSL* ssl, int result) {
  const int e = SSL_get_error(ssl, result);
  return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

class DtlsRestriction : public ::testing::Test {
 protected:
  // A DTLS 1.2 server context with the PSK callback, restricted (or not) to the profile's suites.
  static SslCtxPtr serverContext(bool restricted) {
    SslCtxPtr ctx(SSL_CTX_new(DTLS_server_method()));
    SSL_CTX_set_psk_server_callback(ctx.get(), serverPsk);
    if (restricted) restrictDtlsServer(ctx.get(), "", kDtlsPskCipherList);
    return ctx;
  }

  // The handshake of a client offering only `offered` with a connection of `server`; the server's
  // connection gets `ownList` first when it is set (as a library that sets its own would). The
  // negotiated suite, or "" when the handshake failed.
  static std::string handshake(SSL_CTX* server, const char* offered, const char* ownList = nullptr) {
    ERR_clear_error();
    UdpSocket serverSocket;
    UdpSocket clientSocket;
    SslCtxPtr clientCtx(SSL_CTX_new(DTLS_client_method()));
    SSL_CTX_set_psk_client_callback(clientCtx.get(), clientPsk);
    EXPECT_EQ(SSL_CTX_set_cipher_list(clientCtx.get(), offered), 1) << offered;
    SslPtr s(SSL_new(server));
    SslPtr c(SSL_new(clientCtx.get()));
    if (ownList != nullptr) {
      EXPECT_EQ(SSL_set_cipher_list(s.get(), ownList), 1);
    }
    BIO* sb = serverSocket.bioTo(clientSocket);
    SSL_set_bio(s.get(), sb, sb);
    BIO* cb = clientSocket.bioTo(serverSocket);
    SSL_set_bio(c.get(), cb, cb);
    SSL_set_accept_state(s.get());
    SSL_set_connect_state(c.get());
    // Both sides step in turn until both are done; a side that fails ends the handshake.
    bool failed = false;
    auto step = [&failed](SSL* ssl, bool& done) {
      if (done || failed) return;
      const int r = SSL_do_handshake(ssl);
      done = r == 1;
      failed = !done && !wantsMore(ssl, r);
    };
    bool clientDone = false;
    bool serverDone = false;
    for (int round = 0; round < 500 && !(clientDone && serverDone) && !failed; ++round) {
      step(c.get(), clientDone);
      step(s.get(), serverDone);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!(clientDone && serverDone)) return "";
    return SSL_get_cipher_name(s.get());
  }
};

TEST_F(DtlsRestriction, AnUnrestrictedServerNegotiatesASuiteOutsideTheProfile) {
  // The control: what the restriction is for (it fails the test below when it does nothing).
  auto server = serverContext(false);
  EXPECT_EQ(handshake(server.get(), "PSK-AES256-GCM-SHA384"), "PSK-AES256-GCM-SHA384");
}

TEST_F(DtlsRestriction, TheRestrictedServerRefusesASuiteOutsideTheProfileAndNegotiatesTheProfiles) {
  auto server = serverContext(true);
  EXPECT_EQ(handshake(server.get(), "PSK-AES256-GCM-SHA384"), "");
  EXPECT_EQ(handshake(server.get(), "PSK-CHACHA20-POLY1305"), "");
  EXPECT_EQ(handshake(server.get(), "PSK-AES128-GCM-SHA256"), "PSK-AES128-GCM-SHA256");
  EXPECT_EQ(handshake(server.get(), "PSK-AES256-GCM-SHA384:PSK-AES128-GCM-SHA256"), "PSK-AES128-GCM-SHA256");
}

TEST_F(DtlsRestriction, AConnectionWithAListOfItsOwnIsRestrictedToo) {
  auto server = serverContext(true);
  // A list of the connection's own, wider than the profile: the ClientHello callback replaces it.
  EXPECT_EQ(handshake(server.get(), "PSK-AES256-GCM-SHA384", "PSK"), "");
  EXPECT_EQ(handshake(server.get(), "PSK-AES128-GCM-SHA256", "PSK"), "PSK-AES128-GCM-SHA256");
}

}  // namespace
}  // namespace rspf::tls
