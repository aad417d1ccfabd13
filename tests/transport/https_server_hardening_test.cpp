// The shared server (transport::HttpsServer) on loopback, TLS-PSK and plain HTTP, fed the inputs
// that used to end the process or slip through: an oversized chunked trailer, bytes that are not
// UTF-8 echoed into error bodies, Transfer-Encoding other than "chunked", throwing handlers; and
// its limits: caps per listener and per source, handshake timeout, a full request queue.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "support/one_device_resolver.hpp"
#include "support/raw_client.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::transport {
namespace {

using testing::bodyOf;
using testing::RawClient;
using testing::RawTls;
using testing::statusOf;

constexpr const char* kKeyHex = testing::kDeviceKeyHex;
using testing::OneDevice;

class CountingObserver : public ServerObserver {
 public:
  void handshake(const HandshakeReport&) override {}
  void request(int, std::chrono::nanoseconds) override {}
  void refused(std::string_view listener, std::string_view reason) override {
    std::lock_guard lock(mutex);
    ++counts[std::string(listener) + "/" + std::string(reason)];
  }
  int count(const std::string& key) {
    std::lock_guard lock(mutex);
    return counts[key];
  }
  std::mutex mutex;
  std::map<std::string, int> counts;
};

RawTls psk() { return RawTls{RawTls::Kind::Psk, "server.test", "device", kKeyHex}; }

std::string get(const std::string& path) { return "GET " + path + " HTTP/1.1\r\nHost: server.test\r\n\r\n"; }

class HardenedServer : public ::testing::Test {
 protected:
  // Handled requests by path; "/throw-std", "/throw-other" and "/block" misbehave on purpose.
  HttpResponse handle(const HttpRequest& request) {
    {
      std::lock_guard lock(mutex);
      ++handled[request.target];
    }
    if (request.target == "/throw-std") throw std::runtime_error("a handler bug");
    if (request.target == "/throw-other") throw 42;  // not even a std::exception
    if (request.target == "/block") {
      std::unique_lock lock(mutex);
      released.wait(lock, [&] { return release; });
    }
    if (request.target == "/secret") {  // wiped after it is written, not before
      HttpResponse r;
      r.body = R"({"Credential":"q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="})";
      r.secret = true;
      return r;
    }
    if (request.target == "/thread") {  // which network thread answered
      HttpResponse r;
      r.body = std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
      return r;
    }
    if (request.target.rfind("/echo", 0) == 0)
      throw Error(ErrorCode::NotFound, "no resource at " + request.target.substr(0, 200));
    HttpResponse r;
    r.body = R"({"Status":true})";
    return r;
  }

  void start(bool plain, ListenerLimits limits = {}, int workers = 2) {
    HttpsServerSettings s;
    s.name = "test";
    s.maxBodyBytes = 16 * 1024;
    s.tls.serverName = "server.test";
    s.limits = limits;
    s.plainHttp = plain;
    s.workers = workers;
    s.observer = &observer;
    s.handleInline = handleInline;
    s.checkHeader = [](const tls::AuthenticatedPeer&, const HttpRequest& head) -> std::optional<HttpResponse> {
      if (head.target == "/guarded" && head.header("Authorization") != "Bearer right") return errorResponse(401, "no");
      if (head.target == "/check-throws") throw std::logic_error("a header check bug");
      return std::nullopt;
    };
    server.emplace(s, resolver, [this](const tls::AuthenticatedPeer&, const HttpRequest& r) { return handle(r); });
    server->start();
    tls = plain ? RawTls{} : psk();
  }

  int handledCount(const std::string& path) {
    std::lock_guard lock(mutex);
    return handled[path];
  }
  void unblock() {
    std::lock_guard lock(mutex);
    release = true;
    released.notify_all();
  }
  // The server still serves a fresh client.
  void expectServing() {
    auto answer = testing::rawExchange(server->port(), get("/ok"), tls);
    EXPECT_EQ(statusOf(answer), 200) << answer;
  }

  void TearDown() override {
    unblock();
    if (server) server->stop();
  }

  OneDevice resolver;
  CountingObserver observer;
  std::function<bool(const HttpRequest&)> handleInline;
  std::optional<HttpsServer> server;
  RawTls tls;
  std::mutex mutex;
  std::condition_variable released;
  bool release = false;
  std::map<std::string, int> handled;
};

// ---- item 1: inputs that ended the process

std::string trailerRequest() {
  return "POST /ok HTTP/1.1\r\nHost: server.test\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-Trailer: " +
         std::string(70 * 1024, 'a') + "\r\n\r\n";
}

void expectRefusedOrClosed(const std::string& answer, std::initializer_list<int> statuses) {
  if (answer.empty()) return;  // a close is a clear answer too
  int status = statusOf(answer);
  EXPECT_NE(std::find(statuses.begin(), statuses.end(), status), statuses.end()) << answer.substr(0, 200);
}

TEST_F(HardenedServer, ChunkedTrailerOver64KiBIsRefusedNotFatalOverTls) {
  start(false);
  auto answer = testing::rawExchange(server->port(), trailerRequest(), tls);
  expectRefusedOrClosed(answer, {400, 431});
  EXPECT_EQ(statusOf(answer), 431);
  EXPECT_EQ(handledCount("/ok"), 0);
  expectServing();
}

TEST_F(HardenedServer, ChunkedTrailerOver64KiBIsRefusedNotFatalOverPlainHttp) {
  start(true);
  auto answer = testing::rawExchange(server->port(), trailerRequest(), tls);
  EXPECT_EQ(statusOf(answer), 431) << answer.substr(0, 200);
  // A chunk-size line with a huge extension is bounded the same way.
  auto extension = testing::rawExchange(
      server->port(),
      "POST /ok HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;x=" + std::string(70 * 1024, 'b') + "\r\n",
      tls);
  expectRefusedOrClosed(extension, {400, 431});
  EXPECT_EQ(handledCount("/ok"), 0);
  expectServing();
}

TEST_F(HardenedServer, BytesThatAreNotUtf8GiveAValidJsonError) {
  start(false);
  for (std::string path : {std::string("/echo/\xff\xfe"), std::string("/echo/") + std::string(193, 'a') + "\xc3\xa9xx",
                           std::string("/echo/\xed\xa0\x80"), std::string("/echo/\xf0\x9f\x98")}) {
    auto answer = testing::rawExchange(server->port(), get(path), tls);
    ASSERT_EQ(statusOf(answer), 404) << answer;
    auto body = nlohmann::json::parse(bodyOf(answer));  // throws (fails the test) if not valid JSON
    EXPECT_EQ(body["Status"], false);
    auto reason = body["ErrorString"].get<std::string>();
    EXPECT_EQ(reason.rfind("no resource at /echo/", 0), 0u) << reason;
  }
  // An X-M2M-Origin header that is not UTF-8 does not reach the JSON raw either.
  auto answer = testing::rawExchange(
      server->port(), "GET /echo/x HTTP/1.1\r\nHost: server.test\r\nX-M2M-Origin: \xff\xc0\r\n\r\n", tls);
  EXPECT_EQ(statusOf(answer), 404) << answer;
  expectServing();
}

TEST_F(HardenedServer, TransferEncodingOtherThanChunkedIs400AndClose) {
  start(true);
  const std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";
  for (std::string te :
       {"xchunked", "chunked, identity", "identity", "gzip, chunked", "chunked\r\nTransfer-Encoding: chunked"}) {
    RawClient c(server->port(), tls);
    ASSERT_TRUE(c.handshake());
    std::string body = "0\r\n\r\n" + smuggled;
    ASSERT_TRUE(c.send("POST /ok HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: " + te +
                       "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
    auto answer = c.receive(std::chrono::seconds(3));
    EXPECT_EQ(statusOf(answer), 400) << te << ": " << answer;
    EXPECT_EQ(answer.find("HTTP/1.1", 8), std::string::npos) << "a second response: " << answer;
  }
  // Without Content-Length, too.
  RawClient c(server->port(), tls);
  ASSERT_TRUE(c.handshake());
  ASSERT_TRUE(c.send("POST /ok HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n" + smuggled));
  EXPECT_EQ(statusOf(c.receive(std::chrono::seconds(3))), 400);
  EXPECT_TRUE(c.closedByPeer());
  EXPECT_EQ(handledCount("/smuggled"), 0);
  EXPECT_EQ(handledCount("/ok"), 0);
  expectServing();
}

TEST_F(HardenedServer, HeaderCheckRefusesBeforeTheBodyIsRead) {
  start(false);
  RawClient c(server->port(), tls);
  ASSERT_TRUE(c.handshake());
  // A body announced (within the limit) and never sent: the refusal comes anyway.
  ASSERT_TRUE(c.send("POST /guarded HTTP/1.1\r\nHost: a\r\nContent-Length: 12000\r\n\r\n"));
  auto answer = c.receiveResponse(std::chrono::seconds(3));
  EXPECT_EQ(statusOf(answer), 401) << answer;
  EXPECT_EQ(handledCount("/guarded"), 0);
  auto allowed = testing::rawExchange(
      server->port(), "POST /guarded HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer right\r\nContent-Length: 2\r\n\r\n{}",
      tls);
  EXPECT_EQ(statusOf(allowed), 200) << allowed;
}

// ---- item 2: no exception ends the process

TEST_F(HardenedServer, ThrowingHandlersAnswer500AndTheServerKeepsServing) {
  start(false);
  for (const char* path : {"/throw-std", "/throw-other", "/check-throws"}) {
    auto answer = testing::rawExchange(server->port(), get(path), tls);
    EXPECT_EQ(statusOf(answer), 500) << path << ": " << answer;
    EXPECT_EQ(nlohmann::json::parse(bodyOf(answer))["ErrorString"], "internal error");
    expectServing();
  }
  // On one kept-alive connection, the request after a throwing one is served.
  RawClient c(server->port(), tls);
  ASSERT_TRUE(c.handshake());
  ASSERT_TRUE(c.send(get("/throw-other")));
  EXPECT_EQ(statusOf(c.receiveResponse()), 500);
  ASSERT_TRUE(c.send(get("/ok")));
  EXPECT_EQ(statusOf(c.receiveResponse()), 200);
  EXPECT_EQ(observer.count("test/handler_failed"), 4);
}

// ---- item 3: overload refused

TEST_F(HardenedServer, PastTheListenerCapPlainHttpGets503WithRetryAfter) {
  ListenerLimits limits;
  limits.maxConnections = 3;
  limits.retryAfter = std::chrono::seconds(7);
  start(true, limits);
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<RawClient>(server->port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // all accepted
  RawClient refused(server->port());
  auto answer = refused.receive(std::chrono::seconds(2));
  EXPECT_EQ(statusOf(answer), 503) << answer;
  EXPECT_NE(answer.find("Retry-After: 7\r\n"), std::string::npos) << answer;
  EXPECT_GE(observer.count("test/listener_full"), 1);
  // A freed slot serves the next client at once.
  held.pop_back();
  auto start = std::chrono::steady_clock::now();
  bool served = false;
  while (!served && std::chrono::steady_clock::now() - start < std::chrono::seconds(3))
    served = statusOf(testing::rawExchange(server->port(), get("/ok"))) == 200;
  EXPECT_TRUE(served);
}

TEST_F(HardenedServer, PastTheListenerCapTlsIsClosedBeforeAnyHandshake) {
  ListenerLimits limits;
  limits.maxConnections = 2;
  start(false, limits);
  RawClient a(server->port(), tls), b(server->port(), tls);
  ASSERT_TRUE(a.handshake());
  ASSERT_TRUE(b.handshake());
  RawClient refused(server->port(), tls);
  EXPECT_FALSE(refused.handshake());
  EXPECT_GE(observer.count("test/listener_full"), 1);
  a.close();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  expectServing();
}

TEST_F(HardenedServer, PerSourceCapsLeaveOtherSourcesServed) {
  ListenerLimits limits;
  limits.maxConnectionsPerSource = 4;
  limits.maxHandshakesPerSource = 2;
  start(false, limits);
  // Two connections from 127.0.0.2 sit in the handshake: a third from there is refused ...
  RawClient h1(server->port(), tls, "127.0.0.2"), h2(server->port(), tls, "127.0.0.2");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  RawClient h3(server->port(), tls, "127.0.0.2");
  EXPECT_FALSE(h3.handshake());
  EXPECT_GE(observer.count("test/source_handshaking"), 1);
  // ... while 127.0.0.1 is served.
  expectServing();
  // Authenticated connections no longer count as handshaking; the per-source cap still holds.
  // (the client's handshake ends before the server's completion marks the connection authenticated:
  // each pause lets the server catch up, as it does under the sanitizers or on a loaded machine)
  ASSERT_TRUE(h1.handshake());
  ASSERT_TRUE(h2.handshake());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  RawClient a3(server->port(), tls, "127.0.0.2");
  ASSERT_TRUE(a3.handshake());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  RawClient a4(server->port(), tls, "127.0.0.2");
  ASSERT_TRUE(a4.handshake());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  RawClient a5(server->port(), tls, "127.0.0.2");
  EXPECT_FALSE(a5.handshake());
  EXPECT_GE(observer.count("test/source_full"), 1);
  expectServing();
}

TEST_F(HardenedServer, AConnectionThatNeverHandshakesIsClosedAfterTheHandshakeTimeout) {
  ListenerLimits limits;
  limits.handshakeTimeout = std::chrono::seconds(1);
  start(false, limits);
  RawClient silent(server->port(), tls);
  auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.closedByPeer(std::chrono::seconds(4)));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(3));
}

TEST_F(HardenedServer, AFullRequestQueueIsAnswered503) {
  ListenerLimits limits;
  limits.maxQueuedRequests = 1;
  start(false, limits, 1);
  RawClient blocked(server->port(), tls);
  ASSERT_TRUE(blocked.handshake());
  ASSERT_TRUE(blocked.send(get("/block")));
  for (int i = 0; i < 100 && handledCount("/block") == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto answer = testing::rawExchange(server->port(), get("/ok"), tls);
  EXPECT_EQ(statusOf(answer), 503) << answer;
  EXPECT_NE(answer.find("Retry-After: 1\r\n"), std::string::npos) << answer;
  EXPECT_EQ(observer.count("test/queue_full"), 1);
  unblock();
  EXPECT_EQ(statusOf(blocked.receiveResponse()), 200);
  expectServing();
}

// ---- issue 14 item 4: short handlers on the network thread

TEST_F(HardenedServer, InlineRequestsAreAnsweredWhileEveryWorkerIsBusy) {
  handleInline = [](const HttpRequest& r) { return r.target == "/inline"; };
  ListenerLimits limits;
  limits.maxQueuedRequests = 1;  // taken by /block: an inline request needs no place in it
  start(false, limits, 1);
  RawClient blocked(server->port(), tls);
  ASSERT_TRUE(blocked.handshake());
  ASSERT_TRUE(blocked.send(get("/block")));
  for (int i = 0; i < 100 && handledCount("/block") == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(handledCount("/block"), 1);
  // The only worker waits; the inline request does not need it.
  auto answer = testing::rawExchange(server->port(), get("/inline"), tls);
  EXPECT_EQ(statusOf(answer), 200) << answer;
  EXPECT_EQ(handledCount("/inline"), 1);
  EXPECT_EQ(observer.count("test/queue_full"), 0);
  unblock();
  EXPECT_EQ(statusOf(blocked.receiveResponse()), 200);
  expectServing();
}

TEST_F(HardenedServer, ASecretAnswerArrivesWholeOnAWorkerOrInline) {
  handleInline = [](const HttpRequest& r) { return r.target == "/secret" && r.header("X-Inline"); };
  start(false);
  RawClient client(server->port(), tls);
  ASSERT_TRUE(client.handshake());
  for (const char* extra : {"", "X-Inline: 1\r\n"}) {
    ASSERT_TRUE(client.send(std::string("GET /secret HTTP/1.1\r\nHost: server.test\r\n") + extra + "\r\n"));
    auto answer = client.receiveResponse();
    EXPECT_EQ(statusOf(answer), 200) << answer;
    EXPECT_EQ(bodyOf(answer), R"({"Credential":"q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="})");
  }
  expectServing();
}

// Each network thread has its own io_context: a connection's requests are all answered on one
// thread, and connections are dealt to the threads in turn.
TEST_F(HardenedServer, EachConnectionKeepsOneNetworkThreadAndConnectionsAreSpreadOverThem) {
  handleInline = [](const HttpRequest& r) { return r.target == "/thread"; };
  start(false);  // two network threads
  std::vector<std::unique_ptr<RawClient>> clients;
  std::set<std::string> threads;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<RawClient>(server->port(), tls));
    ASSERT_TRUE(clients.back()->handshake());
  }
  for (auto& client : clients) {
    std::string first;
    for (int round = 0; round < 3; ++round) {
      ASSERT_TRUE(client->send(get("/thread")));
      auto answer = client->receiveResponse();
      ASSERT_EQ(statusOf(answer), 200) << answer;
      if (round == 0) first = bodyOf(answer);
      EXPECT_EQ(bodyOf(answer), first) << "round " << round;
    }
    threads.insert(first);
  }
  EXPECT_EQ(threads.size(), 2u);
  expectServing();
}

TEST_F(HardenedServer, AThrowingInlineCheckSendsTheRequestToAWorker) {
  handleInline = [](const HttpRequest& r) -> bool {
    if (r.target == "/inline-check-throws") throw std::runtime_error("an inline check bug");
    return false;
  };
  start(false);
  auto answer = testing::rawExchange(server->port(), get("/inline-check-throws"), tls);
  EXPECT_EQ(statusOf(answer), 200) << answer;
  EXPECT_EQ(handledCount("/inline-check-throws"), 1);
  EXPECT_EQ(observer.count("test/handler_failed"), 1);
  expectServing();
}

TEST_F(HardenedServer, AThrowingInlineHandlerAnswers500AndTheServerKeepsServing) {
  handleInline = [](const HttpRequest& r) { return r.target == "/throw-std" || r.target == "/throw-other"; };
  start(false);
  for (const char* path : {"/throw-std", "/throw-other"}) {
    auto answer = testing::rawExchange(server->port(), get(path), tls);
    EXPECT_EQ(statusOf(answer), 500) << answer;
  }
  expectServing();
}

}  // namespace
}  // namespace rspf::transport
