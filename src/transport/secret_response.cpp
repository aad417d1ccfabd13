#include "transport/secret_response.hpp"

#include <algorithm>
#include <cctype>

#include "common/error.hpp"
#include "common/safe_text.hpp"
#include "crypto/secret_bytes.hpp"

namespace rspf::transport {
namespace {

bool isBase64Text(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0 || c == '+' || c == '/' || c == '='; });
}

}  // namespace

Response secretJsonResponse(nlohmann::json answer, const std::string& member) {
  auto found = answer.find(member);
  if (found == answer.end() || !found->is_string())
    throw Error(ErrorCode::Internal, "the answer has no secret member '" + member + "'");
  std::string secret = std::move(found->get_ref<std::string&>());
  answer.erase(found);
  if (!isBase64Text(secret)) {
    crypto::wipe(secret.data(), secret.size());
    throw Error(ErrorCode::Internal, "the answer's secret member '" + member + "' is not base64");
  }
  const std::string rest = safeJsonDump(answer);  // "{...}", without the secret
  Response r;
  r.secret = true;
  r.body.reserve(member.size() + secret.size() + rest.size() + 6);
  r.body.append("{\"").append(member).append("\":\"").append(secret).append("\"");
  if (rest.size() > 2) r.body.append(",");
  r.body.append(rest, 1);
  crypto::wipe(secret.data(), secret.size());
  return r;
}

}  // namespace rspf::transport
