#pragma once
// A task a role runs every `interval` on a thread of its own (e.g. the MAF's CRL refresh from the
// MEF, issue 10 item 6); a failure is logged and retried at the next interval.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace rspf::lifecycle {

class PeriodicTask {
 public:
  PeriodicTask(std::string what, std::chrono::seconds interval, std::function<void()> run)
      : what_(std::move(what)), interval_(interval), run_(std::move(run)) {}
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void start();  // runs the task at once, then every interval
  void stop();
  void join();

 private:
  void loop();

  std::string what_;
  std::chrono::seconds interval_;
  std::function<void()> run_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rspf::lifecycle
