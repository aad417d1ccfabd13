#include "mef/upstream_ca.hpp"

#include <spdlog/spdlog.h>

#include "ca/pem.hpp"
#include "common/error.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::mef {

std::shared_ptr<const ca::UpstreamEstSettings> upstreamEstSettings(const UpstreamCaConfig& config,
                                                                   const std::optional<MefCertificate>& own) {
  if (!transport::parseHttpsUrl(config.url))
    throw Error(ErrorCode::Config, "upstream_ca.url must be https://host:port, got '" + config.url + "'");
  auto settings = std::make_shared<ca::UpstreamEstSettings>();
  settings->url = config.url;
  settings->serverName = config.serverName;
  settings->trustAnchors = ca::loadTrustStoreFile(config.trustAnchors);
  if (config.certificate) {
    settings->clientCertificate = ca::loadCertificateFile(*config.certificate);
    settings->clientKey = ca::loadPrivateKeyFile(*config.privateKey);
  } else if (own) {
    settings->clientCertificate = ca::duplicate(*own->certificate);
    EVP_PKEY_up_ref(own->privateKey.get());
    settings->clientKey.reset(own->privateKey.get());
  } else {
    throw Error(ErrorCode::Config,
                "upstream-CA mode needs a certificate to authenticate with: upstream_ca.certificate, tls.certificate "
                "or an embedded CA");
  }
  spdlog::info("certificate requests are forwarded to the upstream CA at {}", config.url);
  return settings;
}

}  // namespace rspf::mef
