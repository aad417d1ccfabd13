#include "admin_api/admin_token.hpp"

#include <sys/stat.h>

#include "common/error.hpp"
#include "common/text_file.hpp"
#include "crypto/encoding.hpp"
#include "crypto/identifiers.hpp"
#include "crypto/primitives.hpp"

namespace rspf::admin_api {

AdminToken AdminToken::load(const std::filesystem::path& file) {
  std::string text = readTextFile(file, "the admin API token file", 4096);
  std::string_view line(text);
  line = line.substr(0, line.find_first_of("\r\n"));
  constexpr std::string_view kDigestPrefix = "sha256:";
  if (line.starts_with(kDigestPrefix)) {
    auto digest = crypto::fromHex(line.substr(kDigestPrefix.size()));
    if (!digest || digest->size() != 32)
      throw Error(ErrorCode::Config, file.string() + ": after 'sha256:' come the 64 hex digits of the token's SHA-256");
    return AdminToken(std::move(*digest));
  }
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || (st.st_mode & 077) != 0) {
    crypto::wipe(text.data(), text.size());
    throw Error(ErrorCode::Config, file.string() +
                                       " holds the admin API token: group and others must not read it (chmod 600), "
                                       "or store its digest as sha256:<hex>");
  }
  if (line.size() < kMinAdminTokenLength) {
    crypto::wipe(text.data(), text.size());
    throw Error(ErrorCode::Config, file.string() + ": the admin API token must be at least " +
                                       std::to_string(kMinAdminTokenLength) + " characters");
  }
  AdminToken token(crypto::sha256(crypto::asBytes(line)));
  crypto::wipe(text.data(), text.size());
  return token;
}

bool AdminToken::matches(std::string_view presented) const {
  // Hashing first gives equal lengths, so the comparison time says nothing about the token.
  return crypto::constantTimeEqual(crypto::sha256(crypto::asBytes(presented)), digest_);
}

std::optional<std::string_view> AdminToken::bearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !crypto::equalsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme))
    return std::nullopt;
  auto token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

}  // namespace rspf::admin_api
