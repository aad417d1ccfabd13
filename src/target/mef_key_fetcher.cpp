#include "target/mef_key_fetcher.hpp"

#include <nlohmann/json.hpp>

#include "ca/embedded_ca.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "transport/https/http_codec.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::target {

MefKeyFetcher::MefKeyFetcher(std::string targetId, MefCertificateCredentials certificate)
    : targetId_(std::move(targetId)) {
  own_.mefUrl = certificate.mefUrl;
  own_.mefFqdn = certificate.mefFqdn;
  credentialExpiry_ = ca::describeIssuedCertificate(ca::certificateDer(*certificate.certificate)).notAfter;
  certificate_ = std::move(certificate);
}

transport::HttpResponse MefKeyFetcher::get(const std::string& path) const {
  auto endpoint = transport::parseHttpsUrl(own_.mefUrl);
  if (!endpoint) throw Error(ErrorCode::Config, "bad MEF URL " + own_.mefUrl);
  transport::HttpRequest request{"GET", path, {{"X-M2M-Origin", targetId_}}, ""};
  if (certificate_) {
    transport::HttpsClient client(
        *endpoint, own_.mefFqdn,
        {certificate_->certificate.get(), certificate_->privateKey.get(), certificate_->mefTrustAnchors.get()},
        std::chrono::seconds(5));
    return client.request(request);
  }
  transport::HttpsClient client(*endpoint, tls::PskClientSettings{own_.mefFqdn, false}, {own_.kreId, own_.kre},
                                std::chrono::seconds(5));
  return client.request(request);
}

ProvisionedKey MefKeyFetcher::fetch(const std::string& keId, int suid) const {
  std::string suidText = (suid < 10 ? "0" : "") + std::to_string(suid);
  auto response = get("/fetchCredentials/" + keId + "/" + suidText);
  if (response.status != 200) transport::throwRefusal(response, "MEF Key Retrieval");
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
    if (body.contains("Usages")) key.usages = body.at("Usages").get<std::vector<std::string>>();
    return key;
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::Internal, "the MEF's key retrieval answer has wrong types");
  }
}

}  // namespace rspf::target
