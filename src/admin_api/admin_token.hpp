#pragma once
// The admin API's bearer token (RFC 6750), as `[admin_api] token_file` holds it: either the line
// "sha256:<64 hex digits>" (the SHA-256 of the token: the file then holds no secret), or the token
// itself in a file only its owner may read. Only the digest is kept in memory; a presented token is
// hashed and compared in constant time. Neither is ever logged.
#include <filesystem>
#include <optional>
#include <string_view>

#include "crypto/secret_bytes.hpp"

namespace rspf::admin_api {

inline constexpr std::size_t kMinAdminTokenLength = 32;

class AdminToken {
 public:
  // Throws Error(Config) naming the file and the problem, never the token.
  static AdminToken load(const std::filesystem::path& file);
  static AdminToken fromDigest(crypto::Bytes sha256) { return AdminToken(std::move(sha256)); }

  bool matches(std::string_view presented) const;
  // The token of an "Authorization: Bearer <token>" header value; nullopt for another scheme.
  static std::optional<std::string_view> bearerToken(std::string_view authorization);

 private:
  explicit AdminToken(crypto::Bytes digest) : digest_(std::move(digest)) {}
  crypto::Bytes digest_;
};

}  // namespace rspf::admin_api
