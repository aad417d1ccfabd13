#include "cse_front/onem2m_status.hpp"

#include <nlohmann/json.hpp>

namespace rspf::cse_front {

transport::HttpResponse onem2mError(int httpStatus, int responseStatusCode, std::string_view reason,
                                    const std::optional<std::string>& requestId) {
  transport::HttpResponse r;
  r.status = httpStatus;
  r.contentType = "application/json";
  try {
    r.body =
        nlohmann::json{{"m2m:dbg", std::string(reason)}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (...) {
    r.body = R"({"m2m:dbg":"the front refused the request"})";
  }
  r.headers.emplace_back("X-M2M-RSC", std::to_string(responseStatusCode));
  // Echoed only if it is a plain header value (no control characters), else dropped.
  if (requestId && requestId->find_first_of("\r\n") == std::string::npos)
    r.headers.emplace_back("X-M2M-RI", *requestId);
  return r;
}

}  // namespace rspf::cse_front
