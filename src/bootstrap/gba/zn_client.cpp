#include "bootstrap/gba/zn_client.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/strict_json.hpp"
#include "crypto/encoding.hpp"
#include "transport/https/https_client.hpp"
#include "transport/https/https_connection_pool.hpp"
#include "transport/https/query_string.hpp"

namespace rspf::bootstrap {
namespace {

crypto::SecretBytes base64Key(const nlohmann::json& body, const char* field) {
  auto bytes = crypto::fromBase64(body.at(field).get<std::string>());
  if (!bytes || bytes->empty())
    throw Error(ErrorCode::Unavailable, std::string("the BSF's ") + field + " is malformed");
  crypto::SecretBytes key(*bytes);
  crypto::wipe(bytes->data(), bytes->size());
  return key;
}

}  // namespace

std::optional<NafKeys> znAnswerOf(const transport::HttpResponse& response) {
  if (response.status == 404) return std::nullopt;
  auto body = parseStrictJsonOrDiscarded(response.body);
  if (response.status != 200) {
    std::string reason = body.is_object() && body.contains("ErrorString") ? body["ErrorString"].dump() : "";
    throw Error(ErrorCode::Unavailable, "the BSF refused Zn (" + std::to_string(response.status) + "): " + reason);
  }
  try {
    NafKeys keys;
    keys.ksNaf = base64Key(body, "ksNaf");
    if (body.contains("ksIntNaf")) keys.ksIntNaf = base64Key(body, "ksIntNaf");
    keys.impi = body.at("impi").get<std::string>();
    auto expiry = parseRfc3339(body.at("expiry").get<std::string>());
    if (!expiry) throw Error(ErrorCode::Unavailable, "the BSF's expiry is not RFC 3339");
    keys.expiry = *expiry;
    return keys;
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::Unavailable, "the BSF's Zn answer lacks ksNaf, impi or expiry");
  }
}

ZnKeyFetch httpsZnKeyFetch(ZnEndpoint zn, const tls::CertificateClientCredentials& credentials) {
  auto endpoint = transport::parseHttpsUrl(zn.url);
  if (!endpoint) throw Error(ErrorCode::Config, "gba.bsf_url must look like https://host:port, got '" + zn.url + "'");
  // Kept-alive connections to the BSF (issue 10 item 10): a handshake per Zn request cost more than
  // the request.
  auto connections =
      std::make_shared<transport::HttpsConnectionPool>([endpoint = *endpoint, fqdn = zn.fqdn, &credentials] {
        return std::make_unique<transport::HttpsClient>(endpoint, fqdn, credentials, std::chrono::seconds(5));
      });
  return [connections](const std::string& btid, crypto::ByteView nafId) -> std::optional<NafKeys> {
    auto response = connections->request(
        {"GET", "/zn/keys?btid=" + transport::percentEncode(btid) + "&nafId=" + crypto::toHex(nafId), {}, ""});
    return znAnswerOf(response);
  };
}

}  // namespace rspf::bootstrap
