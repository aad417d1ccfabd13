// The TOML configuration of each role (config/config_file and the loaders of mef, target, maf, bsf
// and ca), read as `rspf <role> --config FILE` reads it: the input is written to a file in a fresh
// folder (so relative paths in it point into that empty folder) and every loader reads it.
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "bsf/bsf_config.hpp"
#include "ca_server/ca_server_config.hpp"
#include "fuzz_support.hpp"
#include "maf/maf_config.hpp"
#include "mef/mef_config.hpp"
#include "target/target_config.hpp"

namespace {

struct ConfigFolder {
  ConfigFolder() {
    char pattern[] = "/dev/shm/rspf-fuzz-config-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("cannot create a folder in /dev/shm");
    folder = pattern;
    file = folder / "role.toml";
  }
  ~ConfigFolder() {
    std::error_code ec;
    std::filesystem::remove_all(folder, ec);
  }
  std::filesystem::path folder, file;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  static const ConfigFolder config;
  {
    std::ofstream out(config.file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  fuzz::refusedOrParsed([&] { mef::loadMefConfig(config.file); });
  fuzz::refusedOrParsed([&] { target::loadTargetConfig(config.file); });
  fuzz::refusedOrParsed([&] { maf::loadMafConfig(config.file); });
  fuzz::refusedOrParsed([&] { bsf::loadBsfConfig(config.file); });
  fuzz::refusedOrParsed([&] { ca_server::loadCaServerConfig(config.file); });
  return 0;
}
