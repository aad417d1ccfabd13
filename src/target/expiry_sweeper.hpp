#pragma once
// Erases provisioned keys once past their Lifetime (PROTOCOL.md 5; seed 8.3.3.6 step 3.d): a
// thread that sweeps the cache every second and reports each erased Credential-ID, so that the
// role can drop what it keeps beside the key (ServiceSubscribedAppRule entries, a MAF's KmId).
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "target/provisioned_key_cache.hpp"

namespace rspf::target {

class ExpirySweeper {
 public:
  using ErasedCallback = std::function<void(const std::string& credentialId)>;
  ExpirySweeper(ProvisionedKeyCache& cache, ErasedCallback onErased) : cache_(cache), onErased_(std::move(onErased)) {}
  ~ExpirySweeper();
  ExpirySweeper(const ExpirySweeper&) = delete;
  ExpirySweeper& operator=(const ExpirySweeper&) = delete;

  void start();
  void stop();  // safe from any thread; join() waits for the thread
  void join();

 private:
  void run();

  ProvisionedKeyCache& cache_;
  ErasedCallback onErased_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace rspf::target
