#pragma once
// What the figures depend on: CPUs, memory, kernel, OpenSSL, SQLite, and the store's filesystem.
#include <filesystem>
#include <string>
#include <vector>

namespace rspf::bench {

struct Fact {
  std::string name;
  std::string value;
};

std::vector<Fact> machineFacts(const std::filesystem::path& storeDirectory);

}  // namespace rspf::bench
