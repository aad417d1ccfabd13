#pragma once
// tests/vectors/gba-milenage.json: TS 35.207 Milenage test sets 1 and 2, and a GBA KDF vector.
#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>
#include <string>
#include "support/test_paths.hpp"

namespace rspf::testing {

inline nlohmann::json loadGbaMilenageVectors() {
  std::ifstream in(std::string(RSPF_VECTORS_DIR) + "/gba-milenage.json");
  if (!in) throw std::runtime_error("cannot open gba-milenage.json");
  return nlohmann::json::parse(in);
}

}  // namespace rspf::testing
