#include "ca/certificate_subject.hpp"

#include <algorithm>
#include <cctype>

#include "common/error.hpp"

namespace rspf::ca {
namespace {

constexpr std::string_view kAeIdUriScheme = "onem2m";  // project choice, see the header
constexpr std::size_t kMaxUriLength = 1024;
constexpr std::size_t kMaxOidLength = 256;
constexpr std::size_t kMaxDirectoryStringLength = 64;  // ub-common-name, ub-serial-number (RFC 5280 A.1)

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The identifier as it may appear in an error message: control and non-ASCII bytes shown as '?'.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 200)) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  if (s.size() > 200) out += "...";
  return out;
}

[[noreturn]] void refuse(SubjectType type, std::string_view identifier, const std::string& why) {
  throw Error(ErrorCode::BadRequest, std::string(subjectTypeName(type)) + " '" + printable(identifier) + "' " + why);
}

bool isLabelChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-'; }

bool isPrintableStringChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view(" '()+,-./:=?").find(c) != std::string_view::npos;
}

// "scheme://host[:port][/path][?query][#fragment]" with a DNS host; returns false otherwise.
bool isAbsoluteUriWithHost(std::string_view uri) {
  auto colon = uri.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  auto scheme = uri.substr(0, colon);
  if (std::isalpha(static_cast<unsigned char>(scheme[0])) == 0) return false;
  for (char c : scheme)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '+' && c != '-' && c != '.') return false;
  auto rest = uri.substr(colon + 3);
  auto end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, end);
  if (authority.find('@') != std::string_view::npos) return false;  // no userinfo
  auto host = authority.substr(0, authority.find(':'));
  if (auto port = authority.find(':'); port != std::string_view::npos) {
    auto digits = authority.substr(port + 1);
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
  }
  return isFqdn(host);
}

bool startsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

}  // namespace

std::string_view subjectTypeName(SubjectType type) {
  switch (type) {
    case SubjectType::CseId: return "CSE-ID";
    case SubjectType::AeId: return "AE-ID";
    case SubjectType::NodeId: return "M2M-Node-ID";
    case SubjectType::DeviceId: return "device ID";
  }
  return "identifier";
}

std::optional<SubjectType> parseSubjectType(std::string_view text) {
  auto t = lower(text);
  if (t == "cse") return SubjectType::CseId;
  if (t == "ae") return SubjectType::AeId;
  if (t == "node") return SubjectType::NodeId;
  if (t == "device") return SubjectType::DeviceId;
  return std::nullopt;
}

std::string SubjectAltName::describe() const {
  switch (kind) {
    case Kind::Dns: return "DNS:" + value;
    case Kind::Uri: return "URI:" + value;
    case Kind::RegisteredId: return "RID:" + value;
    case Kind::Other: return value;
  }
  return value;
}

bool sameName(const SubjectAltName& a, const SubjectAltName& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == SubjectAltName::Kind::Dns) return lower(a.value) == lower(b.value);
  return a.value == b.value;
}

bool isFqdn(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= name.size()) {
    auto dot = name.find('.', start);
    auto label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63) return false;
    if (!std::all_of(label.begin(), label.end(), isLabelChar)) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  // A name of digits and dots only is an IPv4 address, not a host name.
  bool allDigits = std::all_of(name.begin(), name.end(), [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
  return labels >= 2 && !allDigits;
}

bool isDottedOid(std::string_view text) {
  if (text.empty() || text.size() > kMaxOidLength) return false;
  std::size_t arcs = 0;
  std::size_t start = 0;
  std::string first;
  while (true) {
    auto dot = text.find('.', start);
    auto arc = text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (arc.empty() || !std::all_of(arc.begin(), arc.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
    if (arc.size() > 1 && arc.front() == '0') return false;  // no leading zeros
    if (arcs == 0) {
      if (arc != "0" && arc != "1" && arc != "2") return false;
      first = std::string(arc);
    } else if (arcs == 1 && first != "2" && (arc.size() > 2 || std::stoi(std::string(arc)) >= 40)) {
      return false;
    }
    ++arcs;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return arcs >= 2;
}

SubjectAltName subjectAltNameFor(std::string_view identifier, SubjectType type) {
  if (identifier.empty()) throw Error(ErrorCode::BadRequest, std::string(subjectTypeName(type)) + " is empty");
  for (char c : identifier) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) refuse(type, identifier, "must be printable ASCII without spaces");
  }
  if (identifier.find('*') != std::string_view::npos)
    refuse(type, identifier, "contains a wildcard ('*'); certificates name exactly one entity (TS-0003 10.1.1)");

  switch (type) {
    case SubjectType::CseId:
      if (!isFqdn(identifier))
        refuse(type, identifier,
               "is not a DNS host name; a CSE-ID certificate carries the CSE-ID in FQDN form, e.g. cse1.example.com "
               "(TS-0003 8.1.2.1)");
      return {SubjectAltName::Kind::Dns, lower(identifier)};

    case SubjectType::AeId:
      if (identifier.find("://") != std::string_view::npos) {
        if (identifier.size() > kMaxUriLength || !isAbsoluteUriWithHost(identifier))
          refuse(type, identifier, "is not an absolute URI with a DNS host name (scheme://host/path)");
        return {SubjectAltName::Kind::Uri, std::string(identifier)};
      }
      if (isFqdn(identifier))
        return {SubjectAltName::Kind::Uri, std::string(kAeIdUriScheme) + "://" + lower(identifier)};
      refuse(type, identifier,
             "is neither in FQDN form (ae1.example.com) nor an absolute URI (scheme://host/path); an AE-ID "
             "certificate carries the AE-ID as a URI (TS-0003 8.1.2.1)");

    case SubjectType::NodeId:
    case SubjectType::DeviceId:
      if (isDottedOid(identifier)) return {SubjectAltName::Kind::RegisteredId, std::string(identifier)};
      if (startsWithIgnoreCase(identifier, "urn:") && identifier.size() <= kMaxUriLength &&
          identifier.find(':', 4) != std::string_view::npos && identifier.find(':', 4) > 4)
        return {SubjectAltName::Kind::Uri, std::string(identifier)};
      refuse(type, identifier,
             "is neither an OID (e.g. the TS-0001 annex H M2M Device ID 1.0.2.481...) nor a URN (urn:dev:...)");
  }
  refuse(type, identifier, "has an unknown subject type");
}

SubjectName subjectNameFor(std::string_view identifier, SubjectType type) {
  if (type == SubjectType::CseId || type == SubjectType::AeId) {
    auto value = type == SubjectType::CseId ? lower(identifier) : std::string(identifier);
    return {"CN", value.size() <= kMaxDirectoryStringLength ? value : std::string()};
  }
  bool fits = identifier.size() <= kMaxDirectoryStringLength &&
              std::all_of(identifier.begin(), identifier.end(), isPrintableStringChar);
  return {"serialNumber", fits ? std::string(identifier) : std::string()};
}

}  // namespace rspf::ca
