#include "machine_facts.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

namespace rspf::bench {
namespace {

// The value of the first "key<spaces>: value" line of a /proc file.
std::string procField(const char* file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0) continue;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    return value;
  }
  return "?";
}

std::string filesystemType(const std::filesystem::path& dir) {
  struct statfs st {};
  if (::statfs(dir.c_str(), &st) != 0) return "?";
  switch (static_cast<unsigned long>(st.f_type)) {
    case 0xEF53: return "ext2/3/4";
    case 0x01021994: return "tmpfs (fsync is free)";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    case 0x794C7630: return "overlayfs";
    default:
      return "magic 0x" + [&] {
        char buf[24];
        std::snprintf(buf, sizeof buf, "%lx", static_cast<unsigned long>(st.f_type));
        return std::string(buf);
      }();
  }
}

}  // namespace

std::vector<Fact> machineFacts(const std::filesystem::path& storeDirectory) {
  std::vector<Fact> facts;
  cpu_set_t set;
  CPU_ZERO(&set);
  int usable = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : -1;
  facts.push_back({"nproc", std::to_string(usable) + " (hardware_concurrency " +
                                std::to_string(std::thread::hardware_concurrency()) + ")"});
  facts.push_back({"cpu", procField("/proc/cpuinfo", "model name")});
  facts.push_back({"memory", procField("/proc/meminfo", "MemTotal")});
  utsname u{};
  if (::uname(&u) == 0) facts.push_back({"kernel", std::string(u.sysname) + " " + u.release + " " + u.machine});
  facts.push_back({"openssl", OpenSSL_version(OPENSSL_VERSION)});
  facts.push_back({"sqlite", sqlite3_libversion()});
  facts.push_back({"store dir", storeDirectory.string() + " on " + filesystemType(storeDirectory)});
  SyncProbe probe(storeDirectory);
  probe.measureNow(40);
  facts.push_back({"disk sync", probe.summary() + " before the phases (pwrite 4 KiB + fdatasync)"});
  return facts;
}

SyncProbe::SyncProbe(const std::filesystem::path& directory) {
  std::string path = (directory / "rspf-bench-sync-XXXXXX").string();
  fd_ = ::mkstemp(path.data());
  if (fd_ >= 0) ::unlink(path.c_str());
}

SyncProbe::~SyncProbe() {
  stop();
  if (fd_ >= 0) ::close(fd_);
}

bool SyncProbe::sampleOnce() {
  if (fd_ < 0) return false;
  static const char page[4096] = {};
  auto start = std::chrono::steady_clock::now();
  off_t offset = (writes_++ % 8) * static_cast<off_t>(sizeof page);
  if (::pwrite(fd_, page, sizeof page, offset) != static_cast<ssize_t>(sizeof page) || ::fdatasync(fd_) != 0)
    return false;
  latenciesUs_.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  return true;
}

void SyncProbe::measureNow(int samples) {
  for (int i = 0; i < samples; ++i)
    if (!sampleOnce()) break;
}

void SyncProbe::start() {
  if (thread_.joinable() || fd_ < 0) return;
  running_ = true;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "sync-probe");
    while (running_) {
      if (!sampleOnce()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
}

void SyncProbe::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

double SyncProbe::percentileUs(double p) const {
  if (latenciesUs_.empty()) return 0;
  std::vector<double> sorted = latenciesUs_;
  std::sort(sorted.begin(), sorted.end());
  return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))];
}

std::string SyncProbe::summary() const {
  if (latenciesUs_.empty()) return "-";
  char buf[96];
  std::snprintf(buf, sizeof buf, "p50 %.0f us, p90 %.0f us (%zu)", percentileUs(0.5), percentileUs(0.9),
                latenciesUs_.size());
  return buf;
}

}  // namespace rspf::bench
