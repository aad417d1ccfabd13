#pragma once
// The HTTP Digest header fields of RFC 2617 3.2.1 / 3.2.2 as GBA's Ub uses them (TS 24.109 4.5.2,
// RFC 3310): `Digest name=value, name="quoted value", ...`.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rspf::transport {

// Longest Authorization / WWW-Authenticate value accepted (a Ub Authorization is ~400 bytes).
inline constexpr std::size_t kMaxDigestHeaderBytes = 2048;

class DigestParameters {
 public:
  // Throws Error(BadRequest) saying what is wrong: not the Digest scheme, over kMaxDigestHeaderBytes,
  // a parameter without '=' or with an unterminated quote, a parameter given twice.
  static DigestParameters parse(std::string_view header);

  std::optional<std::string> get(std::string_view name) const;  // names are case-insensitive
  std::string require(std::string_view name) const;             // Error(BadRequest) naming it

 private:
  std::map<std::string, std::string> values_;  // lowercased names
};

// `Digest a="x", b=y`: each pair with whether its value is quoted.
struct DigestField {
  std::string name;
  std::string value;
  bool quoted = true;
};
std::string formatDigestHeader(const std::vector<DigestField>& fields);

}  // namespace rspf::transport
