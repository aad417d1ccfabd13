#include "machine_facts.hpp"

#include <sched.h>
#include <sys/statfs.h>
#include <sys/utsname.h>

#include <openssl/crypto.h>
#include <sqlite3.h>

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
    default: return "magic 0x" + [&] {
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
  return facts;
}

}  // namespace rspf::bench
