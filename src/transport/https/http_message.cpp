#include "transport/https/http_message.hpp"

#include "common/error.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::transport {
namespace {
std::optional<std::string> find(const std::vector<std::pair<std::string, std::string>>& headers,
                                std::string_view name) {
  for (const auto& [k, v] : headers)
    if (crypto::equalsIgnoreCase(k, name)) return v;
  return std::nullopt;
}
}  // namespace

std::optional<std::string> HttpRequest::header(std::string_view name) const { return find(headers, name); }
std::optional<std::string> HttpResponse::header(std::string_view name) const { return find(headers, name); }

void requireMethod(const HttpRequest& request, std::string_view method) {
  if (request.method != method)
    throw Error(ErrorCode::BadRequest, std::string(request.target) + " takes " + std::string(method));
}

}  // namespace rspf::transport
