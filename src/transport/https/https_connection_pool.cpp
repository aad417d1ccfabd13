#include "transport/https/https_connection_pool.hpp"

#include "common/error.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::transport {
namespace {

bool serverKeepsAlive(const HttpResponse& response) {
  auto connection = response.header("Connection");
  return !connection || !crypto::equalsIgnoreCase(*connection, "close");
}

}  // namespace

HttpsConnectionPool::HttpsConnectionPool(Connect connect, std::size_t maxIdle)
    : connect_(std::move(connect)), maxIdle_(maxIdle) {}

std::unique_ptr<HttpsClient> HttpsConnectionPool::take() {
  std::lock_guard lock(mutex_);
  if (idle_.empty()) return nullptr;
  auto connection = std::move(idle_.back());
  idle_.pop_back();
  return connection;
}

void HttpsConnectionPool::giveBack(std::unique_ptr<HttpsClient> connection) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < maxIdle_) idle_.push_back(std::move(connection));
}

std::unique_ptr<HttpsClient> HttpsConnectionPool::open() {
  auto connection = connect_();
  std::lock_guard lock(mutex_);
  ++opened_;
  return connection;
}

HttpResponse HttpsConnectionPool::request(const HttpRequest& request) {
  if (auto reused = take()) {
    try {
      auto response = reused->request(request);
      if (serverKeepsAlive(response)) giveBack(std::move(reused));
      return response;
    } catch (const Error& e) {
      // Closed by the server while idle, most likely: a GET goes once more on a new connection.
      if (e.code() != ErrorCode::Unavailable || request.method != "GET") throw;
    }
  }
  auto connection = open();
  auto response = connection->request(request);
  if (serverKeepsAlive(response)) giveBack(std::move(connection));
  return response;
}

std::uint64_t HttpsConnectionPool::opened() const {
  std::lock_guard lock(mutex_);
  return opened_;
}

std::size_t HttpsConnectionPool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

}  // namespace rspf::transport
