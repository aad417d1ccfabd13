// The front's connections to the CSE (issue 15 item 1): kept alive, bounded, and each failure
// (down, slow, closed while idle, an answer too large) told apart.
#include "cse_front/upstream_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "cse_front_support.hpp"

namespace rspf::cse_front {
namespace {

using testing::CseStandIn;

transport::HttpRequest retrieveBase() {
  return request("GET", "/cse-in", {{"X-M2M-Origin", "Cae1"}, {"X-M2M-RI", "r1"}, {"X-M2M-RVI", "3"}});
}

TEST(UpstreamPool, SequentialRequestsShareOneKeptAliveConnection) {
  CseStandIn cse;
  UpstreamPool pool(upstreamOf(cse));
  for (int i = 0; i < 20; ++i) {
    auto r = pool.send(retrieveBase());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("X-M2M-RSC"), "2000");
  }
  EXPECT_EQ(cse.connectionsAccepted(), 1u);
  EXPECT_EQ(pool.openConnections(), 1u);
  // The base path of the upstream URL is put before every target, and Host names the CSE.
  auto seen = cse.received().back();
  EXPECT_EQ(seen.target, "/cse-in");
  EXPECT_EQ(seen.header("Host"), "127.0.0.1:" + std::to_string(cse.port()));
}

TEST(UpstreamPool, ConcurrentRequestsNeverOpenMoreThanThePoolSize) {
  CseStandIn cse;
  cse.setDelay(std::chrono::milliseconds(20));
  UpstreamPool pool(upstreamOf(cse, 2));
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 6; ++t)
    clients.emplace_back([&] {
      for (int i = 0; i < 5; ++i)
        if (pool.send(retrieveBase()).status == 200) ++ok;
    });
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok, 30);
  EXPECT_LE(cse.connectionsAccepted(), 2u);
  EXPECT_LE(pool.openConnections(), 2u);
}

TEST(UpstreamPool, ADownCseIsUnreachable) {
  std::string url;
  {
    CseStandIn gone;
    url = gone.url();
  }
  UpstreamSettings s;
  s.url = *transport::parseHttpUrl(url);
  UpstreamPool pool(s);
  try {
    pool.send(retrieveBase());
    FAIL() << "a request reached a stopped CSE";
  } catch (const UpstreamError& e) {
    EXPECT_EQ(e.kind(), UpstreamError::Kind::Unreachable);
    EXPECT_NE(std::string(e.what()).find("cannot reach the CSE"), std::string::npos) << e.what();
  }
  EXPECT_EQ(pool.openConnections(), 0u);
}

TEST(UpstreamPool, ASlowCseTimesOutAndTheConnectionIsNotReused) {
  CseStandIn cse;
  UpstreamPool pool(upstreamOf(cse, 2, std::chrono::milliseconds(300)));
  ASSERT_EQ(pool.send(retrieveBase()).status, 200);
  cse.setDelay(std::chrono::milliseconds(1500));
  auto start = std::chrono::steady_clock::now();
  try {
    pool.send(retrieveBase());
    FAIL() << "no timeout";
  } catch (const UpstreamError& e) {
    EXPECT_EQ(e.kind(), UpstreamError::Kind::Timeout) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1200));
  cse.setDelay(std::chrono::milliseconds(0));
  EXPECT_EQ(pool.send(retrieveBase()).status, 200);  // on a fresh connection
  EXPECT_EQ(cse.connectionsAccepted(), 2u);
}

TEST(UpstreamPool, AConnectionTheCseClosedWhileIdleIsReplaced) {
  auto first = std::make_unique<CseStandIn>();
  auto port = first->port();
  UpstreamSettings s = upstreamOf(*first);
  UpstreamPool pool(s);
  ASSERT_EQ(pool.send(retrieveBase()).status, 200);
  first.reset();  // the CSE restarts: the pooled connection is closed under the front
  testing::CseStandInOptions o;
  o.port = port;
  CseStandIn second(o);
  auto post = request("POST", "/cse-in",
                      {{"X-M2M-Origin", "Cae1"}, {"X-M2M-RI", "r2"}, {"Content-Type", "application/json;ty=2"}},
                      R"({"m2m:ae":{"rn":"ae1","api":"Nrspf","rr":false}})");
  auto r = pool.send(post);  // not idempotent: only a connection known to be fresh may carry it
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(second.received().size(), 1u);
}

TEST(UpstreamPool, AnAnswerOverTheLimitIsRefused) {
  CseStandIn cse;
  auto s = upstreamOf(cse);
  s.maxResponseBytes = 1024;
  UpstreamPool pool(s);
  auto h = [](const char* ri) {
    return std::vector<std::pair<std::string, std::string>>{{"X-M2M-Origin", "Cae1"}, {"X-M2M-RI", ri}};
  };
  auto ae = h("1");
  ae.emplace_back("Content-Type", "application/json;ty=2");
  ASSERT_EQ(pool.send(request("POST", "/cse-in", ae, R"({"m2m:ae":{"rn":"ae1"}})")).status, 201);
  auto cnt = h("2");
  cnt.emplace_back("Content-Type", "application/json;ty=3");
  ASSERT_EQ(pool.send(request("POST", "/cse-in/ae1", cnt, R"({"m2m:cnt":{"rn":"c"}})")).status, 201);
  auto cin = h("3");
  cin.emplace_back("Content-Type", "application/json;ty=4");
  auto big = nlohmann::json{{"m2m:cin", {{"rn", "big"}, {"con", std::string(4096, 'x')}}}}.dump();
  try {
    pool.send(request("POST", "/cse-in/ae1/c", cin, big));
    FAIL() << "an answer over the limit was read";
  } catch (const UpstreamError& e) {
    EXPECT_EQ(e.kind(), UpstreamError::Kind::TooLarge);
  }
}

}  // namespace
}  // namespace rspf::cse_front

namespace rspf::cse_front {
namespace {

TEST(UpstreamPool, ACseThatStopsUnderIdleConnectionsIsUnreachable) {
  testing::CseStandIn cse;
  UpstreamPool pool(upstreamOf(cse, 2, std::chrono::milliseconds(500)));
  ASSERT_EQ(pool.send(retrieveBase()).status, 200);
  cse.stop();
  try {
    pool.send(retrieveBase());
    FAIL() << "a stopped CSE answered";
  } catch (const UpstreamError& e) {
    EXPECT_EQ(e.kind(), UpstreamError::Kind::Unreachable) << e.what();
  }
}

}  // namespace
}  // namespace rspf::cse_front
