#pragma once
// The JSON object in a client's output (coap-client and rspf print it among other lines): from the
// first '{' to the last '}'; null when there is none, discarded when it does not parse.
#include <nlohmann/json.hpp>

#include <string>

namespace rspf::testing {

inline nlohmann::json jsonIn(const std::string& out) {
  auto open = out.find('{');
  auto close = out.rfind('}');
  if (open == std::string::npos || close == std::string::npos) return nullptr;
  return nlohmann::json::parse(out.substr(open, close - open + 1), nullptr, false);
}

}  // namespace rspf::testing
