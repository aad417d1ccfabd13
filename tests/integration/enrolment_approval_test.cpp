// The approval webhook with real processes: the MEF asks a tiny HTTP server (in this test) about
// each Enrolment Exchange of an Enrolee whose policy requires approval; approval, denial, timeout.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "procedures/enrolment_token.hpp"
#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

constexpr const char* kEnrolee = "ae1.test.example";

// Answers every POST with `answer` (after `delay`), and keeps the bodies it received.
class ApprovalServer {
 public:
  ApprovalServer(std::string answer, std::chrono::milliseconds delay = {}) : answer_(std::move(answer)), delay_(delay) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0)
      throw std::runtime_error("cannot listen");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ApprovalServer() {
    stopping_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/approve"; }
  std::vector<nlohmann::json> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void serve() {
    while (!stopping_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) continue;
      std::string request;
      char buffer[4096];
      std::size_t headerEnd = std::string::npos, contentLength = 0;
      while (true) {
        auto n = ::recv(client, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        request.append(buffer, static_cast<std::size_t>(n));
        if (headerEnd == std::string::npos && (headerEnd = request.find("\r\n\r\n")) != std::string::npos) {
          auto at = request.find("Content-Length: ");
          if (at != std::string::npos) contentLength = std::stoul(request.substr(at + 16));
        }
        if (headerEnd != std::string::npos && request.size() >= headerEnd + 4 + contentLength) break;
      }
      if (headerEnd != std::string::npos) {
        std::lock_guard lock(mutex_);
        received_.push_back(nlohmann::json::parse(request.substr(headerEnd + 4), nullptr, false));
      }
      std::this_thread::sleep_for(delay_);
      std::string response =
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(answer_.size()) +
          "\r\nConnection: close\r\n\r\n" + answer_;
      ::send(client, response.data(), response.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  }

  std::string answer_;
  std::chrono::milliseconds delay_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<nlohmann::json> received_;
};

class EnrolmentApproval : public ::testing::Test {
 protected:
  void SetUp() override {
    store::EnrolmentPolicy policy;
    policy.requireEnrolmentApproval = true;
    d.addEnrolee(kEnrolee, policy);
    auto issued = procedures::issueEnrolmentToken(kEnrolee, "site=plant-3", std::nullopt);
    d.store().addToken(issued.record);
    tokenId = issued.record.tokenId;
    token = issued.value;
  }
  void startMef(const ApprovalServer& server, int timeoutMs = 2000) {
    d.startMef("\n[approval]\nwebhook = \"" + server.url() + "\"\ntimeout_ms = " + std::to_string(timeoutMs) + "\n");
  }
  ProcessResult enrol() { return d.enrol(kEnrolee, {"--token", token}); }
  void expectNothingStored() {
    EXPECT_FALSE(d.store().findEnrolmentKeyOf(kEnrolee));
    EXPECT_FALSE(d.store().findToken(tokenId)->usedAt) << "the token was consumed";
  }

  LoopbackDeployment d;
  std::string tokenId, token;
};

TEST_F(EnrolmentApproval, ApprovedEnrolmentIsStoredAndTheWebhookSawIdentityAndAuxiliaryInformation) {
  ApprovalServer server(R"({"approved": true})");
  startMef(server);
  auto r = enrol();
  ASSERT_EQ(r.exitCode, 0) << r.err << d.mefLog();
  EXPECT_TRUE(d.store().findEnrolmentKeyOf(kEnrolee));
  auto asked = server.received();
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0]["enroleeId"], kEnrolee);
  EXPECT_EQ(asked[0]["framework"], "psk");
  EXPECT_EQ(asked[0]["tokenId"], tokenId);
  EXPECT_EQ(asked[0]["tokenAuxInfo"], "site=plant-3");
  EXPECT_EQ(asked[0].dump().find(token), std::string::npos) << "the token's value reached the webhook";
}

TEST_F(EnrolmentApproval, DenialRefusesTheExchangeWithTheReason) {
  ApprovalServer server(R"({"approved": false, "reason": "not on the site list"})");
  startMef(server);
  auto r = enrol();
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("was not approved: denied by the approval webhook: not on the site list"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("403"), std::string::npos) << r.err;
  expectNothingStored();
}

TEST_F(EnrolmentApproval, NoAnswerInTimeRefusesTheExchange) {
  // The webhook would answer after 5 s; the MEF gives up after 300 ms, so the refusal comes well before
  // (the bound leaves room for a process start under the sanitizers).
  ApprovalServer server(R"({"approved": true})", std::chrono::milliseconds(5000));
  startMef(server, 300);
  auto started = std::chrono::steady_clock::now();
  auto r = enrol();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(4500));
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("did not answer in time"), std::string::npos) << r.err;
  expectNothingStored();
}

TEST_F(EnrolmentApproval, MalformedAnswerRefusesTheExchange) {
  ApprovalServer server(R"({"approved": "yes"})");
  startMef(server);
  auto r = enrol();
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("malformed"), std::string::npos) << r.err;
  expectNothingStored();
}

TEST_F(EnrolmentApproval, PoliciesWithoutApprovalDoNotAskTheWebhook) {
  d.store().setEnroleePolicy(kEnrolee, store::EnrolmentPolicy{});
  ApprovalServer server(R"({"approved": false})");
  startMef(server);
  ASSERT_EQ(enrol().exitCode, 0);
  EXPECT_TRUE(server.received().empty());
}

TEST_F(EnrolmentApproval, ApprovalRequiredWithoutAWebhookIsRefusedClearly) {
  d.startMef();
  auto r = enrol();
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("no approval webhook configured"), std::string::npos) << r.err;
  expectNothingStored();
}

}  // namespace
}  // namespace rspf::testing
