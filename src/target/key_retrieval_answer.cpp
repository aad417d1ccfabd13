#include "target/key_retrieval_answer.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/strict_json.hpp"
#include "crypto/encoding.hpp"

namespace rspf::target {
namespace {

[[noreturn]] void malformed(const std::string& what) {
  throw Error(ErrorCode::Internal, "the MEF's key retrieval answer is malformed: " + what);
}

std::string text(const nlohmann::json& body, const char* name) {
  auto found = body.find(name);
  if (found == body.end() || !found->is_string() || found->get_ref<const std::string&>().empty())
    malformed(std::string("'") + name + "' must be a non-empty string");
  return found->get<std::string>();
}

}  // namespace

ProvisionedKey parseKeyRetrievalAnswer(std::string_view body) {
  auto json = parseStrictJsonOrDiscarded(body);
  if (!json.is_object()) malformed("not a JSON object");
  auto status = json.find("Status");
  if (status == json.end() || !status->is_boolean() || !status->get<bool>()) malformed("'Status' is not true");
  ProvisionedKey key;
  auto credential = crypto::fromBase64(text(json, "Credential"));
  if (!credential || credential->empty()) malformed("'Credential' is not base64 of a key");
  key.key = crypto::SecretBytes(*credential);
  crypto::wipe(credential->data(), credential->size());
  key.enroleeId = text(json, "EnroleeID");
  key.credentialId = text(json, "CredentialId");
  auto lifetime = parseRfc3339(text(json, "Lifetime"));
  if (!lifetime) malformed("'Lifetime' is not an RFC 3339 time");
  key.lifetime = *lifetime;
  if (auto usages = json.find("Usages"); usages != json.end()) {
    if (!usages->is_array()) malformed("'Usages' must be an array of strings");
    for (const auto& usage : *usages) {
      if (!usage.is_string()) malformed("'Usages' must be an array of strings");
      key.usages.push_back(usage.get<std::string>());
    }
  }
  if (json.contains("KcId")) key.kcId = text(json, "KcId");
  return key;
}

}  // namespace rspf::target
