#include "target/mef_coaps_session.hpp"

#include "common/error.hpp"

namespace rspf::target {
namespace {

// Below the 30 s the MEF keeps an idle DTLS session: a request on a session the MEF has dropped would
// wait for its timeout instead of an answer.
constexpr auto kReopenAfterIdle = std::chrono::seconds(20);

}  // namespace

std::unique_ptr<transport::CoapsClient> MefCoapsSession::open() {
  auto client = open_();
  ++opened_;
  return client;
}

transport::Response MefCoapsSession::get(const std::string& path, const std::string& originator) {
  transport::Request request;
  request.scheme = "coaps";
  request.method = transport::Method::Get;
  request.target = path;
  request.originator = originator;
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  bool fresh = false;
  if (!client_ || now - lastUsed_ > kReopenAfterIdle) {
    client_.reset();
    client_ = open();
    fresh = true;
  }
  try {
    auto answer = client_->send(request, "MEF Key Retrieval");
    lastUsed_ = now;
    return answer;
  } catch (const Error& e) {
    // A refusal is the MEF's answer; only a session that no longer answers is opened again.
    if (e.code() != ErrorCode::Unavailable) throw;
    client_.reset();
    if (fresh) throw;
  }
  client_ = open();
  auto answer = client_->send(request, "MEF Key Retrieval");
  lastUsed_ = now;
  return answer;
}

std::uint64_t MefCoapsSession::opened() const {
  std::lock_guard lock(mutex_);
  return opened_;
}

}  // namespace rspf::target
