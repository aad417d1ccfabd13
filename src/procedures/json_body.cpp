#include "procedures/json_body.hpp"

#include "common/error.hpp"

namespace rspf::procedures {

nlohmann::json parseJsonObject(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) throw Error(ErrorCode::BadRequest, "request body is not valid JSON");
  if (!json.is_object()) throw Error(ErrorCode::BadRequest, "request body must be a JSON object");
  return json;
}

}  // namespace rspf::procedures
