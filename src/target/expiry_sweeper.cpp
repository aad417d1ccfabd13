#include "target/expiry_sweeper.hpp"

#include <spdlog/spdlog.h>

namespace rspf::target {

ExpirySweeper::~ExpirySweeper() {
  stop();
  join();
}

void ExpirySweeper::start() {
  thread_ = std::thread([this] { run(); });
}

void ExpirySweeper::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

void ExpirySweeper::join() {
  if (thread_.joinable()) thread_.join();
}

void ExpirySweeper::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
    try {  // the last-resort handler of this thread: a failed sweep is retried, never fatal
      for (const auto& credentialId : cache_.eraseExpired(now())) {
        onErased_(credentialId);
        spdlog::info("erased {}: past its Lifetime", credentialId);
      }
    } catch (const std::exception& e) {
      spdlog::error("expiry sweep failed: {}", e.what());
    } catch (...) {
      spdlog::error("expiry sweep failed: a non-standard exception");
    }
  }
}

}  // namespace rspf::target
