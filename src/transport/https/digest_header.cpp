#include "transport/https/digest_header.hpp"

#include <cctype>

#include "common/error.hpp"

namespace rspf::transport {
namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void skipSpace(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
}

[[noreturn]] void malformed(const std::string& why) {
  throw Error(ErrorCode::BadRequest, "malformed Digest Authorization header: " + why);
}

}  // namespace

DigestParameters DigestParameters::parse(std::string_view header) {
  if (header.size() > kMaxDigestHeaderBytes)
    throw Error(ErrorCode::BadRequest, "Authorization header of " + std::to_string(header.size()) +
                                           " bytes exceeds the limit of " + std::to_string(kMaxDigestHeaderBytes));
  skipSpace(header);
  constexpr std::string_view kScheme = "digest";
  if (header.size() < kScheme.size() || lowercase(header.substr(0, kScheme.size())) != kScheme ||
      (header.size() > kScheme.size() && header[kScheme.size()] != ' '))
    malformed("the scheme must be Digest (RFC 2617)");
  header.remove_prefix(kScheme.size());
  DigestParameters out;
  while (true) {
    skipSpace(header);
    if (header.empty()) break;
    auto eq = header.find('=');
    if (eq == std::string_view::npos || eq == 0) malformed("a parameter has no '='");
    std::string name = lowercase(header.substr(0, eq));
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    for (char c : name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') malformed("bad parameter name");
    header.remove_prefix(eq + 1);
    skipSpace(header);
    std::string value;
    if (!header.empty() && header.front() == '"') {
      header.remove_prefix(1);
      bool closed = false;
      while (!header.empty()) {
        char c = header.front();
        header.remove_prefix(1);
        if (c == '\\' && !header.empty()) {
          value += header.front();
          header.remove_prefix(1);
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) malformed("unterminated quoted value of '" + name + "'");
    } else {
      auto end = header.find(',');
      value = std::string(header.substr(0, end));
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      header = end == std::string_view::npos ? std::string_view() : header.substr(end);
    }
    if (!out.values_.emplace(name, std::move(value)).second) malformed("parameter '" + name + "' given twice");
    skipSpace(header);
    if (header.empty()) break;
    if (header.front() != ',') malformed("parameters must be separated by ','");
    header.remove_prefix(1);
  }
  return out;
}

std::optional<std::string> DigestParameters::get(std::string_view name) const {
  auto it = values_.find(lowercase(name));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string DigestParameters::require(std::string_view name) const {
  auto v = get(name);
  if (!v) malformed("parameter '" + std::string(name) + "' is missing");
  return *v;
}

std::string formatDigestHeader(const std::vector<DigestField>& fields) {
  std::string out = "Digest ";
  bool first = true;
  for (const auto& f : fields) {
    if (!first) out += ", ";
    first = false;
    out += f.name + "=";
    if (!f.quoted) {
      out += f.value;
      continue;
    }
    out += '"';
    for (char c : f.value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out;
}

}  // namespace rspf::transport
