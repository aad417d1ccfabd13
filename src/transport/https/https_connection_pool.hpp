#pragma once
// Kept-alive HTTPS connections to one server, shared by threads (issue 10 item 10: the MEF's Zn
// requests to the BSF). A request takes an idle connection, or opens one, and puts it back after
// the answer unless the server said "Connection: close". A request that fails on a reused
// connection (the server closed it while idle) is sent once more on a new one, for GET only: a
// GET changes nothing, so sending it twice is safe.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "transport/https/http_message.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::transport {

class HttpsConnectionPool {
 public:
  // Opens a new connection (handshake included); throws as HttpsClient does.
  using Connect = std::function<std::unique_ptr<HttpsClient>()>;
  static constexpr std::size_t kDefaultMaxIdle = 4;

  explicit HttpsConnectionPool(Connect connect, std::size_t maxIdle = kDefaultMaxIdle);
  HttpResponse request(const HttpRequest& request);

  std::uint64_t opened() const;  // connections opened so far
  std::size_t idle() const;

 private:
  std::unique_ptr<HttpsClient> take();
  void giveBack(std::unique_ptr<HttpsClient> connection);
  std::unique_ptr<HttpsClient> open();

  Connect connect_;
  std::size_t maxIdle_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<HttpsClient>> idle_;
  std::uint64_t opened_ = 0;
};

}  // namespace rspf::transport
