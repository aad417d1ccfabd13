#pragma once
// What the figures depend on: CPUs, memory, kernel, OpenSSL, SQLite, and the store's filesystem
// with its durable-write latency (the floor of a synchronous=FULL commit).
#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace rspf::bench {

struct Fact {
  std::string name;
  std::string value;
};

std::vector<Fact> machineFacts(const std::filesystem::path& storeDirectory);

// Times pwrite(4 KiB) + fdatasync on a scratch file in a directory: once (measureNow), or every
// 50 ms in a background thread between start() and stop(), to show what the disk did during a phase.
class SyncProbe {
 public:
  explicit SyncProbe(const std::filesystem::path& directory);
  ~SyncProbe();
  SyncProbe(const SyncProbe&) = delete;
  SyncProbe& operator=(const SyncProbe&) = delete;

  void measureNow(int samples);
  void start();
  void stop();
  // "p50 123 us, p90 456 us (n)" over everything measured so far; "-" when nothing was.
  std::string summary() const;
  double percentileUs(double p) const;

 private:
  bool sampleOnce();

  int fd_ = -1;
  int writes_ = 0;
  std::vector<double> latenciesUs_;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace rspf::bench
