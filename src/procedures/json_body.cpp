#include "procedures/json_body.hpp"

#include "common/error.hpp"
#include "common/strict_json.hpp"

namespace rspf::procedures {

nlohmann::json parseJsonObject(std::string_view body) {
  auto json = parseStrictJson(body, "request body");
  if (!json.is_object()) throw Error(ErrorCode::BadRequest, "request body must be a JSON object");
  return json;
}

}  // namespace rspf::procedures
