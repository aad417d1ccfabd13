#pragma once
// Binding-neutral request and response, as the HTTPS binding hands them to the roles.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rspf::transport {

struct HttpRequest {
  std::string method;  // "GET", "POST"
  std::string target;  // path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Case-insensitive header lookup.
  std::optional<std::string> header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string contentType = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> header(std::string_view name) const;
};

}  // namespace rspf::transport
