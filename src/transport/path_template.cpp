#include "transport/path_template.hpp"

#include "common/error.hpp"
#include "crypto/encoding.hpp"

namespace rspf::transport {
namespace {

std::vector<std::string_view> templateSegments(std::string_view path) {
  std::vector<std::string_view> out;
  path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

std::string percentDecoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      auto byte = crypto::fromHex(s.substr(i + 1, 2));
      if (!byte) throw Error(ErrorCode::BadRequest, "malformed percent-encoding in the request target");
      out += static_cast<char>((*byte)[0]);
      i += 2;
    } else if (s[i] == '%') {
      throw Error(ErrorCode::BadRequest, "malformed percent-encoding in the request target");
    } else {
      out += s[i];
    }
  }
  return out;
}

std::optional<std::map<std::string, std::string>> matchPathTemplate(std::string_view pattern,
                                                                    const std::vector<std::string>& segments) {
  auto parts = templateSegments(pattern);
  if (parts.size() != segments.size()) return std::nullopt;
  std::map<std::string, std::string> captures;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].starts_with('{') && parts[i].ends_with('}')) {
      if (segments[i].empty()) return std::nullopt;
      captures[std::string(parts[i].substr(1, parts[i].size() - 2))] = percentDecoded(segments[i]);
    } else if (parts[i] != segments[i]) {
      return std::nullopt;
    }
  }
  return captures;
}

}  // namespace rspf::transport
