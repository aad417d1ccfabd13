#include "enrolee/bootstrap_credential.hpp"

#include "ca/pem.hpp"
#include "ca/revocation_list.hpp"
#include "common/error.hpp"
#include "common/text_file.hpp"
#include "crypto/gba_key_derivation.hpp"
#include "crypto/identifiers.hpp"
#include "transport/coaps/coaps_client.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::enrolee {
namespace {

tls::PskClientCredentials pskCredentialsOf(const BootstrapCredential& credential, const std::string& mefFqdn) {
  if (const auto* psk = std::get_if<PreProvisionedKey>(&credential)) {
    crypto::requireAsciiIdentifier(psk->pskIdentity, "KpmId");
    return {psk->pskIdentity, psk->psk};
  }
  const auto& gba = std::get<GbaBootstrapKey>(credential);
  tls::PskClientCredentials credentials(crypto::gbaPskIdentity(gba.key.btid, gba.uicc), {});
  credentials.pskForCipherSuite = [key = gba.key, fqdn = mefFqdn, uicc = gba.uicc](std::uint16_t cipherSuite) {
    return crypto::deriveNafKey(key.ks, uicc ? crypto::GbaKeyKind::U : crypto::GbaKeyKind::Me, key.rand, key.impi,
                                crypto::nafId(fqdn, cipherSuite));
  };
  return credentials;
}

std::unique_ptr<transport::SecureChannel> httpsChannel(const transport::HttpsEndpoint& endpoint,
                                                       const std::string& mefFqdn,
                                                       const BootstrapCredential& credential, bool tls13) {
  const tls::PskClientSettings settings{mefFqdn, tls13};
  if (!std::holds_alternative<CertificateBootstrapFiles>(credential))
    return std::make_unique<transport::HttpsClient>(endpoint, settings, pskCredentialsOf(credential, mefFqdn));
  const auto& files = std::get<CertificateBootstrapFiles>(credential);
  auto certificate = ca::loadCertificateFile(files.certificate);
  auto key = ca::loadPrivateKeyFile(files.privateKey);
  auto anchors = ca::loadTrustStoreFile(files.mefTrustAnchors);
  if (files.crl) ca::addCrlsToStore(anchors.get(), crypto::asBytes(readTextFile(*files.crl, "the CRL")));
  return std::make_unique<transport::HttpsClient>(
      endpoint, mefFqdn, tls::CertificateClientCredentials{certificate.get(), key.get(), anchors.get()});
}

}  // namespace

std::unique_ptr<transport::SecureChannel> openMefChannel(const std::string& mefUrl, const std::string& mefFqdn,
                                                         const BootstrapCredential& credential, bool tls13) {
  if (auto endpoint = transport::parseHttpsUrl(mefUrl)) return httpsChannel(*endpoint, mefFqdn, credential, tls13);
  if (auto endpoint = transport::parseCoapsUrl(mefUrl)) {
    if (const auto* files = std::get_if<CertificateBootstrapFiles>(&credential)) {
      auto certificate = ca::loadCertificateFile(files->certificate);
      auto key = ca::loadPrivateKeyFile(files->privateKey);
      auto anchors = ca::loadTrustStoreFile(files->mefTrustAnchors);
      if (files->crl) ca::addCrlsToStore(anchors.get(), crypto::asBytes(readTextFile(*files->crl, "the CRL")));
      return std::make_unique<transport::CoapsClient>(
          *endpoint, mefFqdn, tls::CertificateClientCredentials{certificate.get(), key.get(), anchors.get()});
    }
    return std::make_unique<transport::CoapsClient>(*endpoint, tls::PskClientSettings{mefFqdn, false},
                                                    pskCredentialsOf(credential, mefFqdn));
  }
  throw Error(ErrorCode::Config, "MEF URL must look like https://host:port or coaps://host:port, got '" + mefUrl + "'");
}

}  // namespace rspf::enrolee
