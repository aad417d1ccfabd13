#pragma once
// Kept-alive HTTP/1.1 connections from the front to the CSE's HTTP binding (TS-0009), at most
// `poolSize` of them, shared by the request handlers (issue 15 item 1). A handler takes an idle
// connection (or opens one while fewer than poolSize are open, else waits for one until its
// deadline), sends the request and reads the answer on its own thread, and puts the connection
// back when the CSE keeps it alive. An idle connection the CSE closed is noticed before reuse; an
// idempotent request that meets a connection closed under it is sent once more on a fresh one.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "transport/https/http_message.hpp"
#include "transport/url.hpp"

namespace rspf::cse_front {

struct UpstreamSettings {
  transport::Url url;  // the CSE's HTTP binding; its path is prepended to every request target
  std::size_t poolSize = 8;
  std::chrono::milliseconds connectTimeout{2000};
  std::chrono::milliseconds responseTimeout{10000};  // from sending the request to the whole answer
  std::size_t maxResponseBytes = 1024 * 1024;
};

// Why no answer came from the CSE. `Error::code()` is Unavailable for all of them.
class UpstreamError : public Error {
 public:
  enum class Kind { Unreachable, Timeout, TooLarge, Malformed };
  UpstreamError(Kind kind, const std::string& message) : Error(ErrorCode::Unavailable, message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class UpstreamPool {
 public:
  explicit UpstreamPool(UpstreamSettings settings);
  ~UpstreamPool();
  UpstreamPool(const UpstreamPool&) = delete;
  UpstreamPool& operator=(const UpstreamPool&) = delete;

  // Sends `request` (its target is the path and query below the upstream URL's path; Host and
  // Content-Length are set here) and returns the CSE's answer. Throws UpstreamError.
  transport::HttpResponse send(const transport::HttpRequest& request);

  std::size_t openConnections() const;
  const UpstreamSettings& settings() const { return settings_; }
  std::string where() const;  // "host:port", for messages

 private:
  struct Connection;
  std::unique_ptr<Connection> acquire(std::chrono::steady_clock::time_point deadline);
  void release(std::unique_ptr<Connection> connection, bool reusable);
  transport::HttpResponse exchange(Connection& c, const transport::HttpRequest& request,
                                   std::chrono::steady_clock::time_point deadline, bool& keepAlive);

  UpstreamSettings settings_;
  std::string basePath_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;
};

}  // namespace rspf::cse_front
