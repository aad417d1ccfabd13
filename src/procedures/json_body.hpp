#pragma once
#include <nlohmann/json.hpp>

#include <string_view>

namespace rspf::procedures {

// Parses a request body that must be a JSON object; throws Error(BadRequest) otherwise.
nlohmann::json parseJsonObject(std::string_view body);

}  // namespace rspf::procedures
