#pragma once
// HTTP requests and responses, as the HTTPS binding hands them to the roles it serves directly
// (the MEF's route table sees the neutral messages of transport/message.hpp, via http_codec.hpp).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "transport/message.hpp"

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
  bool secret = false;  // as Response::secret: wiped once written

  std::optional<std::string> header(std::string_view name) const;
};

// Throws Error(BadRequest) "<target> takes <method>" when the request uses another method.
void requireMethod(const HttpRequest& request, std::string_view method);

}  // namespace rspf::transport
