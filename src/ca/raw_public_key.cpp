#include "ca/raw_public_key.hpp"

#include <algorithm>
#include <cctype>

#include "ca/key_pair.hpp"
#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"

namespace rspf::ca {
namespace {

constexpr std::string_view kPrefix = "ni:///sha-256;";
constexpr std::size_t kSha256Base64UrlLength = 43;

bool isBase64UrlChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_'; }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string niIdentifierOfSpki(ByteView subjectPublicKeyInfoDer) {
  return std::string(kPrefix) + crypto::toBase64Url(crypto::sha256(subjectPublicKeyInfoDer));
}

std::string niIdentifier(const EVP_PKEY& publicKey) { return niIdentifierOfSpki(subjectPublicKeyInfoDer(publicKey)); }

std::optional<std::string> normalizeNiIdentifier(std::string_view text) {
  if (text.size() < 3 || lower(text.substr(0, 3)) != "ni:") return std::nullopt;
  auto rest = text.substr(3);
  if (rest.substr(0, 2) != "//") return std::nullopt;
  rest.remove_prefix(2);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  rest.remove_prefix(slash + 1);  // the authority (RFC 6920 3) does not take part in the name
  auto semicolon = rest.find(';');
  if (semicolon == std::string_view::npos || lower(rest.substr(0, semicolon)) != "sha-256") return std::nullopt;
  auto value = rest.substr(semicolon + 1);
  value = value.substr(0, value.find('?'));
  if (value.size() != kSha256Base64UrlLength || !std::all_of(value.begin(), value.end(), isBase64UrlChar))
    return std::nullopt;
  return std::string(kPrefix) + std::string(value);
}

bool matchesNiIdentifier(const EVP_PKEY& publicKey, std::string_view registeredNi) {
  auto registered = normalizeNiIdentifier(registeredNi);
  if (!registered) return false;
  auto actual = niIdentifier(publicKey);
  return crypto::constantTimeEqual(crypto::asBytes(actual), crypto::asBytes(*registered));
}

}  // namespace rspf::ca
