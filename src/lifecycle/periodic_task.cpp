#include "lifecycle/periodic_task.hpp"

#include <spdlog/spdlog.h>

namespace rspf::lifecycle {

PeriodicTask::~PeriodicTask() {
  stop();
  join();
}

void PeriodicTask::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
}

void PeriodicTask::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

void PeriodicTask::join() {
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      run_();
    } catch (const std::exception& e) {
      spdlog::warn("{} failed (next try in {} s): {}", what_, interval_.count(), e.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace rspf::lifecycle
