#include "support/temp_dir.hpp"

#include <stdlib.h>

#include <stdexcept>

namespace rspf::testing {

TempDir::TempDir() {
  char pattern[] = "/tmp/rspf-test-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("cannot create a temporary folder");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace rspf::testing
