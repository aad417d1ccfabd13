// A worker's answer is a separate response (RFC 7252 5.2.2): a Confirmable message that the CoAPS
// listener sends again, with the same Message ID, while the client does not acknowledge it (4.2:
// first after ACK_TIMEOUT to ACK_TIMEOUT * ACK_RANDOM_FACTOR, 2 to 3 s). The listener runs libcoap's
// epoll rounds itself (coaps_server.cpp, runEpollRounds): this holds that libcoap's retransmission
// still runs there. The client is plain OpenSSL DTLS 1.2 over a UDP socket, which acknowledges
// nothing unless told to.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "crypto/encoding.hpp"
#include "support/one_device_resolver.hpp"
#include "tls/openssl_handles.hpp"
#include "transport/coaps/coaps_server.hpp"

namespace rspf::transport {
namespace {

using Clock = std::chrono::steady_clock;

unsigned int devicePsk(SSL*, const char*, char* identity, unsigned int maxIdentityLength, unsigned char* psk,
                       unsigned int maxPskLength) {
  const char kIdentity[] = "device";
  auto key = *crypto::fromHex(testing::kDeviceKeyHex);
  if (maxIdentityLength < sizeof(kIdentity) || maxPskLength < key.size()) return 0;
  std::memcpy(identity, kIdentity, sizeof(kIdentity));
  std::memcpy(psk, key.data(), key.size());
  return static_cast<unsigned int>(key.size());
}

struct Message {
  int type;  // 0 CON, 1 NON, 2 ACK, 3 RST
  std::uint8_t code;
  std::uint16_t messageId;
  Clock::time_point at;
};

// A DTLS-PSK client of the listener on 127.0.0.1:port (PSK-AES128-CCM8), each record one CoAP message.
class RawDtlsClient {
 public:
  explicit RawDtlsClient(std::uint16_t port)
      : fd_(::socket(AF_INET, SOCK_DGRAM, 0)), ctx_(SSL_CTX_new(DTLS_client_method())) {
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(port);
    server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&server), sizeof(server)), 0);
    timeval wait{0, 200 * 1000};  // reads return every 200 ms, so the test keeps its own clock
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
    SSL_CTX_set_psk_client_callback(ctx_.get(), devicePsk);
    EXPECT_EQ(SSL_CTX_set_cipher_list(ctx_.get(), "PSK-AES128-CCM8"), 1);
    ssl_.reset(SSL_new(ctx_.get()));
    BIO* bio = BIO_new_dgram(fd_, BIO_NOCLOSE);
    BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &server);
    SSL_set_bio(ssl_.get(), bio, bio);
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    int r = 0;
    while ((r = SSL_connect(ssl_.get())) != 1 && Clock::now() < deadline) {
      const int e = SSL_get_error(ssl_.get(), r);
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) break;
    }
    connected_ = r == 1;
  }
  ~RawDtlsClient() {
    ssl_.reset();
    ::close(fd_);
  }
  RawDtlsClient(const RawDtlsClient&) = delete;
  RawDtlsClient& operator=(const RawDtlsClient&) = delete;

  bool connected() const { return connected_; }
  bool send(const std::vector<std::uint8_t>& message) {
    return SSL_write(ssl_.get(), message.data(), static_cast<int>(message.size())) == static_cast<int>(message.size());
  }
  // The next CoAP message before `deadline`, or nullopt.
  std::optional<Message> receive(Clock::time_point deadline) {
    std::uint8_t buffer[1500];
    while (Clock::now() < deadline) {
      const int n = SSL_read(ssl_.get(), buffer, sizeof(buffer));
      if (n >= 4)
        return Message{buffer[0] >> 4 & 0x3, buffer[1], static_cast<std::uint16_t>(buffer[2] << 8 | buffer[3]),
                       Clock::now()};
      if (n <= 0 && SSL_get_error(ssl_.get(), n) != SSL_ERROR_WANT_READ) return std::nullopt;
    }
    return std::nullopt;
  }

 private:
  int fd_;
  tls::SslCtxPtr ctx_;
  tls::SslPtr ssl_;
  bool connected_ = false;
};

TEST(CoapsSeparateResponse, AnUnacknowledgedAnswerIsSentAgainWithItsMessageIdUntilAcknowledged) {
  testing::OneDevice resolver;
  CoapsServerSettings settings;
  settings.port = 0;
  settings.serverName = "mef.test.example";
  settings.workers = 2;  // every answer a separate response
  CoapsServer server(std::move(settings), resolver,
                     [](const tls::AuthenticatedPeer&, const Request&) { return jsonResponse("{\"ok\":true}"); });
  server.start();
  RawDtlsClient client(server.port());
  ASSERT_TRUE(client.connected());
  // CON GET /ok, Message ID 0x1234, token 0xab (RFC 7252 3: version 1, TKL 1; Uri-Path, option 11).
  ASSERT_TRUE(client.send({0x41, 0x01, 0x12, 0x34, 0xab, 0xb2, 'o', 'k'}));
  const auto sent = Clock::now();
  auto ack = client.receive(sent + std::chrono::seconds(2));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->type, 2);  // the empty ACK of the request
  EXPECT_EQ(ack->code, 0);
  EXPECT_EQ(ack->messageId, 0x1234);
  auto answer = client.receive(sent + std::chrono::seconds(2));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->type, 0);           // Confirmable
  EXPECT_EQ(answer->code, 2 << 5 | 5);  // 2.05
  auto again = client.receive(answer->at + std::chrono::seconds(5));
  ASSERT_TRUE(again) << "the unacknowledged answer was not sent again";
  EXPECT_EQ(again->type, 0);
  EXPECT_EQ(again->messageId, answer->messageId);
  const auto waited = again->at - answer->at;
  EXPECT_GE(waited, std::chrono::milliseconds(1900)) << "sent again before ACK_TIMEOUT";
  EXPECT_LE(waited, std::chrono::milliseconds(3400)) << "sent again well after ACK_TIMEOUT * ACK_RANDOM_FACTOR";
  // Acknowledged, as a client would (an empty ACK with its Message ID).
  EXPECT_TRUE(client.send({0x60, 0x00, static_cast<std::uint8_t>(answer->messageId >> 8),
                           static_cast<std::uint8_t>(answer->messageId & 0xff)}));
  server.stop();
  server.wait();
}

}  // namespace
}  // namespace rspf::transport
