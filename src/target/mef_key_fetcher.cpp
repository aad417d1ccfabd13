#include "target/mef_key_fetcher.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "enrolee/enrolment_client.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::target {

ProvisionedKey MefKeyFetcher::fetch(const std::string& keId, int suid) const {
  auto endpoint = transport::parseHttpsUrl(own_.mefUrl);
  if (!endpoint) throw Error(ErrorCode::Config, "bad MEF URL " + own_.mefUrl);
  transport::HttpsClient client(*endpoint, tls::PskClientSettings{own_.mefFqdn, false}, {own_.kreId, own_.kre},
                                   std::chrono::seconds(5));
  std::string suidText = (suid < 10 ? "0" : "") + std::to_string(suid);
  auto response =
      client.request({"GET", "/fetchCredentials/" + keId + "/" + suidText, {{"X-M2M-Origin", targetId_}}, ""});
  if (response.status != 200) enrolee::throwMefError(response, "MEF Key Retrieval");
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object() || !body.value("Status", false))
    throw Error(ErrorCode::Internal, "the MEF's key retrieval answer is malformed");
  try {
    auto credential = crypto::fromBase64(body.at("Credential").get<std::string>());
    auto lifetime = parseRfc3339(body.at("Lifetime").get<std::string>());
    if (!credential || credential->empty() || !lifetime)
      throw Error(ErrorCode::Internal, "the MEF's key retrieval answer is malformed");
    ProvisionedKey key;
    key.key = crypto::SecretBytes(*credential);
    crypto::wipe(credential->data(), credential->size());
    key.enroleeId = body.at("EnroleeID").get<std::string>();
    key.credentialId = body.at("CredentialId").get<std::string>();
    key.lifetime = *lifetime;
    return key;
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::Internal, "the MEF's key retrieval answer has wrong types");
  }
}

}  // namespace rspf::target
