// The HTTPS server's own TLS stream (transport/https/tls_server_stream), through the server on
// loopback: OpenSSL reads and writes the socket through our BIO, so these are the paths that BIO
// and the stream's wait loop take: a response far larger than the socket buffer read slowly
// (writes that would block), a peer gone in the middle of one (EPIPE, which must not be a SIGPIPE
// ending the process), pipelined and keep-alive requests (bytes OpenSSL read ahead), the idle and
// handshake timers, and a handshake cut short.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <string>
#include <thread>

#include "support/one_device_resolver.hpp"
#include "support/raw_client.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::transport {
namespace {

using namespace rspf::testing;  // RawClient, RawTls, OneDevice, statusOf, bodyOf

constexpr std::size_t kLargeBody = 4 * 1024 * 1024;

std::string largeBody() {
  std::string body(kLargeBody, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  return body;
}

class TlsServerStreamTest : public ::testing::Test {
 protected:
  void start(ListenerLimits limits = {}) {
    HttpsServerSettings s;
    s.name = "test";
    s.tls.serverName = "server.test";
    s.limits = limits;
    s.workers = 2;
    server.emplace(s, resolver, [this](const tls::AuthenticatedPeer& peer, const HttpRequest& r) {
      HttpResponse response;
      if (r.target == "/large")
        response.body = large;
      else
        response.body = "{\"path\":\"" + r.target + "\",\"principal\":\"" + peer.principal + "\"}";
      return response;
    });
    server->start();
  }
  void TearDown() override {
    if (server) server->stop();
  }
  static std::string get(const std::string& path, bool close = false) {
    return "GET " + path + " HTTP/1.1\r\nHost: server.test\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
  }
  void expectServing() {
    auto answer = testing::rawExchange(server->port(), get("/ok"), tls);
    EXPECT_EQ(statusOf(answer), 200) << answer;
  }

  OneDevice resolver;
  std::optional<HttpsServer> server;
  RawTls tls{RawTls::Kind::Psk, "server.test", "device", kDeviceKeyHex};
  const std::string large = largeBody();
};

TEST_F(TlsServerStreamTest, ALargeResponseReadSlowlyArrivesWholeAndInOrder) {
  start();
  RawClient client(server->port(), tls);
  ASSERT_TRUE(client.handshake());
  ASSERT_TRUE(client.send(get("/large")));
  // The server fills the socket buffers long before 4 MiB: its writes wait for the socket.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto answer = client.receiveResponse(std::chrono::seconds(20));
  ASSERT_EQ(statusOf(answer), 200) << answer.substr(0, 200);
  EXPECT_TRUE(bodyOf(answer) == large) << "got " << bodyOf(answer).size() << " of " << large.size() << " bytes";
  // The connection is still good for the next request.
  ASSERT_TRUE(client.send(get("/after")));
  EXPECT_NE(client.receiveResponse().find("\"path\":\"/after\""), std::string::npos);
}

std::atomic<int> sigpipes{0};

TEST_F(TlsServerStreamTest, APeerGoneInTheMiddleOfALargeResponseEndsOnlyItsConnection) {
  start();
  // The test client ignores SIGPIPE for the process (support/raw_client.cpp); count it here instead,
  // so a server send without MSG_NOSIGNAL shows.
  RawClient first(server->port(), tls);
  auto previous = std::signal(SIGPIPE, [](int) { ++sigpipes; });
  for (int i = 0; i < 3; ++i) {
    RawClient client(server->port(), tls);
    ASSERT_TRUE(client.handshake());
    ASSERT_TRUE(client.send(get("/large")));
    // A FIN first (the server's socket is then in CLOSE_WAIT), then a close with unread data, a
    // reset: the server's next send fails with EPIPE, which must not be a SIGPIPE ending this process.
    client.shutdownSend();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    client.close();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::signal(SIGPIPE, previous);
  EXPECT_EQ(sigpipes.load(), 0);
  expectServing();
}

TEST_F(TlsServerStreamTest, PipelinedRequestsAreEachAnsweredInOrder) {
  start();
  RawClient client(server->port(), tls);
  ASSERT_TRUE(client.handshake());
  // One write: OpenSSL reads all three requests' records at once (read-ahead), the server answers each.
  ASSERT_TRUE(client.send(get("/one") + get("/two") + get("/three", true)));
  auto answers = client.receive(std::chrono::seconds(5));
  auto one = answers.find("\"path\":\"/one\"");
  auto two = answers.find("\"path\":\"/two\"");
  auto three = answers.find("\"path\":\"/three\"");
  ASSERT_NE(one, std::string::npos) << answers;
  ASSERT_NE(two, std::string::npos) << answers;
  ASSERT_NE(three, std::string::npos) << answers;
  EXPECT_LT(one, two);
  EXPECT_LT(two, three);
  EXPECT_NE(answers.find("\"principal\":\"device\""), std::string::npos);
}

TEST_F(TlsServerStreamTest, OneConnectionServesManyRequests) {
  start();
  RawClient client(server->port(), tls);
  ASSERT_TRUE(client.handshake());
  for (int i = 0; i < 200; ++i) {
    std::string path = "/r" + std::to_string(i);
    ASSERT_TRUE(client.send(get(path)));
    auto answer = client.receiveResponse();
    ASSERT_EQ(statusOf(answer), 200) << i;
    ASSERT_NE(answer.find("\"path\":\"" + path + "\""), std::string::npos) << answer;
  }
}

TEST_F(TlsServerStreamTest, AnIdleAuthenticatedConnectionIsClosedAfterTheIdleTimeout) {
  ListenerLimits limits;
  limits.idleTimeout = std::chrono::seconds(1);
  start(limits);
  RawClient client(server->port(), tls);
  ASSERT_TRUE(client.handshake());
  auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.closedByPeer(std::chrono::seconds(5)));
  EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(900));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(3));
  expectServing();
}

TEST_F(TlsServerStreamTest, AHandshakeCutShortOrWithTheWrongKeyChangesNothing) {
  start();
  {
    RawClient cut(server->port());  // plain TCP: half a TLS record header, then gone
    ASSERT_TRUE(cut.send(std::string("\x16\x03\x01", 3)));
  }
  RawClient wrongKey(server->port(), RawTls{RawTls::Kind::Psk, "server.test", "device", "ff" + std::string(30, '0')});
  EXPECT_FALSE(wrongKey.handshake());
  RawClient unknown(server->port(), RawTls{RawTls::Kind::Psk, "server.test", "nobody", kDeviceKeyHex});
  EXPECT_FALSE(unknown.handshake());
  expectServing();
}

}  // namespace
}  // namespace rspf::transport
