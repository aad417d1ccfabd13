// The HTTPS server lets a slow key lookup run off its network thread (issue 10 item 10): with ONE
// network thread, a client whose key takes 1.5 s to prepare does not hold up another client's
// handshake and request; the slow client's handshake resumes once the key is ready, and OpenSSL's
// PSK callback (resolve) never runs before that. A preparation slower than the handshake timeout
// ends that handshake only.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "crypto/encoding.hpp"
#include "support/raw_client.hpp"
#include "transport/https/https_client.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::transport {
namespace {

using testing::RawClient;
using testing::RawTls;
using testing::statusOf;

constexpr const char* kKeyHex = "00112233445566778899aabbccddeeff";

// "slow": its key is prepared on a thread of its own, `delay` long; "fast": at hand.
class SlowLookup : public tls::PskIdentityResolver {
 public:
  explicit SlowLookup(std::chrono::milliseconds delay) : delay_(delay) {}
  ~SlowLookup() override { joinAll(); }

  bool prepare(std::string_view identity, std::function<void()> ready) override {
    if (identity != "slow") return false;
    ++prepared;
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, ready = std::move(ready)] {
      std::this_thread::sleep_for(delay_);
      slowReady = true;
      ready();
    });
    return true;
  }
  std::optional<tls::ResolvedPsk> resolve(std::string_view identity) override {
    if (identity == "slow" && !slowReady) ++resolvedBeforeReady;
    if (identity != "slow" && identity != "fast") return std::nullopt;
    return tls::ResolvedPsk{crypto::SecretBytes(*crypto::fromHex(kKeyHex)), "test", std::string(identity), {}, {}};
  }
  void joinAll() {
    std::lock_guard lock(mutex_);
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  std::atomic<int> prepared{0};
  std::atomic<int> resolvedBeforeReady{0};
  std::atomic<bool> slowReady{false};

 private:
  std::chrono::milliseconds delay_;
  std::mutex mutex_;
  std::vector<std::thread> threads_;
};

std::string get() { return "GET /ok HTTP/1.1\r\nHost: server.test\r\n\r\n"; }
RawTls as(const std::string& identity) { return RawTls{RawTls::Kind::Psk, "server.test", identity, kKeyHex}; }

std::unique_ptr<HttpsServer> oneThreadServer(tls::PskIdentityResolver& resolver, std::chrono::seconds handshake,
                                             bool tls13 = false) {
  HttpsServerSettings s;
  s.name = "test";
  s.threads = 1;
  s.tls.serverName = "server.test";
  s.tls.tls13 = tls13;
  s.limits.handshakeTimeout = handshake;
  auto server = std::make_unique<HttpsServer>(s, resolver, [](const tls::AuthenticatedPeer& peer, const HttpRequest&) {
    HttpResponse r;
    r.body = "{\"principal\":\"" + peer.principal + "\"}";
    return r;
  });
  server->start();
  return server;
}

TEST(PskPrepare, ASlowKeyLookupHoldsUpNeitherTheNetworkThreadNorOtherClients) {
  SlowLookup resolver(std::chrono::milliseconds(1500));
  auto server = oneThreadServer(resolver, std::chrono::seconds(10));
  const auto port = server->port();

  std::atomic<int> slowStatus{0};
  std::chrono::steady_clock::duration slowTook{};
  std::thread slow([&] {
    const auto start = std::chrono::steady_clock::now();
    slowStatus = statusOf(testing::rawExchange(port, get(), as("slow")));
    slowTook = std::chrono::steady_clock::now() - start;
  });
  // Wait until the slow handshake is held (its key being prepared), then serve another client.
  for (int i = 0; i < 200 && resolver.prepared == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(resolver.prepared, 1);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(statusOf(testing::rawExchange(port, get(), as("fast"))), 200);
  const auto fastTook = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(resolver.slowReady) << "the fast client was only served after the slow key was ready";
  EXPECT_LT(fastTook, std::chrono::milliseconds(1200));
  slow.join();
  EXPECT_EQ(slowStatus, 200);
  EXPECT_GE(slowTook, std::chrono::milliseconds(1400));
  EXPECT_EQ(resolver.resolvedBeforeReady, 0) << "the PSK callback ran before the key was prepared";
  resolver.joinAll();
}

TEST(PskPrepare, APreparationPastTheHandshakeTimeoutEndsThatHandshakeOnly) {
  SlowLookup resolver(std::chrono::milliseconds(2500));
  auto server = oneThreadServer(resolver, std::chrono::seconds(1));
  RawClient slow(server->port(), as("slow"));
  EXPECT_FALSE(slow.handshake(std::chrono::seconds(6)));
  resolver.joinAll();  // the late `ready` completes a read whose connection has timed out
  EXPECT_EQ(statusOf(testing::rawExchange(server->port(), get(), as("fast"))), 200);
  server.reset();
}

TEST(PskPrepare, Tls13TheIdentityIsReadFromTheClientHelloAndTheHandshakeWaitsForTheKey) {
  SlowLookup resolver(std::chrono::milliseconds(500));
  auto server = oneThreadServer(resolver, std::chrono::seconds(10), /*tls13=*/true);
  HttpsClient client({"127.0.0.1", server->port()}, tls::PskClientSettings{"server.test", /*tls13=*/true},
                     tls::PskClientCredentials("slow", crypto::SecretBytes(*crypto::fromHex(kKeyHex))));
  EXPECT_EQ(client.protocolVersion(), "TLSv1.3");
  EXPECT_EQ(client.request({"GET", "/ok", {}, ""}).status, 200);
  EXPECT_EQ(resolver.prepared, 1);
  EXPECT_TRUE(resolver.slowReady);
  EXPECT_EQ(resolver.resolvedBeforeReady, 0);
  resolver.joinAll();
}

}  // namespace
}  // namespace rspf::transport
