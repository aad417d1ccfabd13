#pragma once
// A fresh private directory for one benchmark run (store, KEK, logs), removed unless kept.
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace rspf::bench {

class BenchTempDir {
 public:
  BenchTempDir(const std::filesystem::path& parent, bool keep) : keep_(keep) {
    std::string pattern = (parent / "rspf-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot create a temporary directory under " + parent.string());
    path_ = pattern;
  }
  BenchTempDir(const BenchTempDir&) = delete;
  BenchTempDir& operator=(const BenchTempDir&) = delete;
  ~BenchTempDir() {
    std::error_code ignored;
    if (!keep_) std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  bool keep_;
};

}  // namespace rspf::bench
