#include "ca/upstream_est_authority.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "ca/issuance_check.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "ca/pkcs7.hpp"
#include "common/error.hpp"
#include "common/strict_json.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::ca {
namespace {

constexpr std::chrono::seconds kDefaultRetryAfter{60};

// RFC 7231 7.1.3 delay-seconds; an HTTP date or garbage falls back to the default.
std::chrono::seconds parseRetryAfter(const std::optional<std::string>& value) {
  if (!value || value->empty() || value->size() > 9 || value->find_first_not_of("0123456789") != std::string::npos)
    return kDefaultRetryAfter;
  return std::chrono::seconds(std::stol(*value));
}

// The upstream's reason, from an rspf-style JSON error or the start of a text body.
std::string reasonOf(const transport::HttpResponse& response) {
  try {
    auto j = parseStrictJson(response.body, "the upstream answer");
    if (j.contains("ErrorString")) return j["ErrorString"].get<std::string>().substr(0, 300);
  } catch (const std::exception&) {
  }
  std::string text = response.body.substr(0, 200);
  for (auto& c : text)
    if (c < 0x20 || c > 0x7e) c = ' ';
  return text;
}

}  // namespace

struct UpstreamEstAuthority::Answer {
  transport::HttpResponse response;
};

UpstreamEstAuthority::UpstreamEstAuthority(std::shared_ptr<const UpstreamEstSettings> settings, std::string label)
    : settings_(std::move(settings)), pathPrefix_("/.well-known/est" + (label.empty() ? "" : "/" + label)) {}

UpstreamEstAuthority::Answer UpstreamEstAuthority::call(const std::string& method, const std::string& operation,
                                                        const std::string& body) {
  auto endpoint = transport::parseHttpsUrl(settings_->url);
  if (!endpoint)
    throw Error(ErrorCode::Config, "the upstream CA URL '" + settings_->url + "' is not https://host:port");
  const std::string serverName = settings_->serverName.empty() ? endpoint->host : settings_->serverName;
  transport::HttpRequest request;
  request.method = method;
  request.target = pathPrefix_ + "/" + operation;
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", "application/pkcs10");
    request.headers.emplace_back("Content-Transfer-Encoding", "base64");
    request.body = body;
  }
  try {
    transport::HttpsClient client(
        *endpoint, serverName,
        {settings_->clientCertificate.get(), settings_->clientKey.get(), settings_->trustAnchors.get()},
        std::chrono::duration_cast<std::chrono::milliseconds>(settings_->timeout));
    return {client.request(request)};
  } catch (const Error& e) {
    throw Error(ErrorCode::Unavailable, "the upstream CA at " + settings_->url + " cannot be reached: " + e.what());
  }
}

std::vector<Bytes> UpstreamEstAuthority::caCertificates() {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (!caCertificates_.empty() && now - caCertificatesFetched_ < settings_->caCertificatesCacheLifetime)
    return caCertificates_;
  auto answer = call("GET", "cacerts", "");
  if (answer.response.status != 200)
    throw Error(ErrorCode::Unavailable, "the upstream CA answered /cacerts with " +
                                            std::to_string(answer.response.status) + ": " + reasonOf(answer.response));
  auto certificates = certificatesFromPkcs7(estBase64Decode(answer.response.body, "the upstream's /cacerts"));
  if (certificates.empty()) throw Error(ErrorCode::Unavailable, "the upstream CA's /cacerts holds no certificate");
  caCertificates_ = std::move(certificates);
  caCertificatesFetched_ = now;
  return caCertificates_;
}

Issuance UpstreamEstAuthority::issue(const CertificateRequest& request, const IssuancePolicy& policy, bool reenroll) {
  auto granted = grantRequest(request, policy);  // Forbidden: names more than granted
  requireExplicitRequest(request);               // BadRequest: the upstream needs the names in the CSR
  const char* operation = reenroll ? "simplereenroll" : "simpleenroll";
  spdlog::info("certificate request for '{}' forwarded to the upstream CA at {}", policy.identifier, settings_->url);
  auto answer = call("POST", operation, estBase64Encode(request.der()));
  const auto& response = answer.response;
  if (response.status == 202) {
    auto retryAfter = parseRetryAfter(response.header("Retry-After"));
    spdlog::info("upstream CA holds the certificate request for '{}' (retry after {} s)", policy.identifier,
                 retryAfter.count());
    return {std::nullopt, retryAfter};
  }
  if (response.status != 200)
    throw Error(ErrorCode::Unavailable, "the upstream CA refused the certificate request (" +
                                            std::to_string(response.status) + "): " + reasonOf(response));
  auto certificates = certificatesFromPkcs7(estBase64Decode(response.body, "the upstream's certificate"));
  const Bytes spki = request.publicKeyDer();
  for (const auto& der : certificates) {
    auto certificate = parseCertificate(der);
    auto key = subjectPublicKeyInfoDer(*X509_get0_pubkey(certificate.get()));
    if (key != spki) continue;
    auto issued = describeIssuedCertificate(der);
    if (issued.subjectAltNames.size() != 1 || !sameName(issued.subjectAltNames.front(), granted.subjectAltName))
      throw Error(ErrorCode::Internal,
                  "the upstream CA's certificate does not name exactly '" + granted.subjectAltName.describe() + "'");
    return {std::move(issued), std::chrono::seconds(0)};
  }
  throw Error(ErrorCode::Internal, "the upstream CA's answer holds no certificate for the request's key");
}

}  // namespace rspf::ca
