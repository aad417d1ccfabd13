#include "transport/message.hpp"

#include "common/error.hpp"

namespace rspf::transport {

std::string_view methodName(Method m) {
  switch (m) {
    case Method::Get: return "GET";
    case Method::Post: return "POST";
    case Method::Put: return "PUT";
    case Method::Delete: return "DELETE";
    case Method::Other: break;
  }
  return "OTHER";
}

Response jsonResponse(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

std::vector<std::string> pathSegments(std::string_view target) {
  target = target.substr(0, target.find('?'));
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= target.size()) {
    auto end = target.find('/', start);
    if (end == std::string_view::npos) end = target.size();
    segments.emplace_back(target.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

void requireMethod(const Request& request, Method method) {
  if (request.method != method)
    throw Error(ErrorCode::BadRequest, request.target + " takes " + std::string(methodName(method)));
}

}  // namespace rspf::transport
