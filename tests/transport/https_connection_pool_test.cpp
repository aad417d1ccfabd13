// transport::HttpsConnectionPool against the real server (as the MEF's Zn client uses it against the
// BSF): sequential requests share one connection and one handshake; a connection the server closed
// while idle is replaced for a GET, never for a POST; an answer with "Connection: close" is not kept.
#include "transport/https/https_connection_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/error.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::transport {
namespace {

class OneClient : public tls::PskIdentityResolver {
 public:
  std::optional<tls::ResolvedPsk> resolve(std::string_view identity) override {
    if (identity != "naf") return std::nullopt;
    return tls::ResolvedPsk{crypto::SecretBytes(crypto::Bytes(32, 9)), "test", "naf", {}, {}};
  }
};

class ConnectionPool : public ::testing::Test {
 protected:
  void start(std::chrono::seconds idleTimeout) {
    HttpsServerSettings s;
    s.name = "test";
    s.tls.serverName = "bsf.test";
    s.limits.idleTimeout = idleTimeout;
    server.emplace(
        s, resolver,
        [](const tls::AuthenticatedPeer&, const HttpRequest& request) {
          HttpResponse r;
          r.body = "{}";
          if (request.target == "/close") r.headers.emplace_back("Connection", "close");
          return r;
        },
        [this](const tls::AuthenticatedPeer&) { ++handshakes; });
    server->start();
    pool.emplace([port = server->port()] {
      return std::make_unique<HttpsClient>(HttpsEndpoint{"127.0.0.1", port}, tls::PskClientSettings{"bsf.test"},
                                           tls::PskClientCredentials("naf", crypto::SecretBytes(crypto::Bytes(32, 9))),
                                           std::chrono::seconds(5));
    });
  }

  OneClient resolver;
  std::atomic<int> handshakes{0};
  std::optional<HttpsServer> server;
  std::optional<HttpsConnectionPool> pool;
};

TEST_F(ConnectionPool, SequentialRequestsShareOneKeptAliveConnection) {
  start(std::chrono::seconds(30));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(pool->request({"GET", "/zn/keys", {}, ""}).status, 200);
  EXPECT_EQ(pool->opened(), 1u);
  EXPECT_EQ(handshakes, 1);
  EXPECT_EQ(pool->idle(), 1u);
}

TEST_F(ConnectionPool, AConnectionClosedWhileIdleIsReplacedForAGetButNotForAPost) {
  start(std::chrono::seconds(1));
  EXPECT_EQ(pool->request({"GET", "/zn/keys", {}, ""}).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));  // the server's idle timeout closes it
  EXPECT_EQ(pool->request({"GET", "/zn/keys", {}, ""}).status, 200);
  EXPECT_EQ(pool->opened(), 2u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  EXPECT_THROW(pool->request({"POST", "/x", {}, "{}"}), Error);  // not sent twice
  EXPECT_EQ(pool->opened(), 2u);
}

TEST_F(ConnectionPool, AnAnswerWithConnectionCloseIsNotKept) {
  start(std::chrono::seconds(30));
  EXPECT_EQ(pool->request({"GET", "/close", {}, ""}).status, 200);
  EXPECT_EQ(pool->idle(), 0u);
  EXPECT_EQ(pool->request({"GET", "/zn/keys", {}, ""}).status, 200);
  EXPECT_EQ(pool->opened(), 2u);
}

}  // namespace
}  // namespace rspf::transport
