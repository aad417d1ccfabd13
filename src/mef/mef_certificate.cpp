#include "mef/mef_certificate.hpp"

#include <openssl/pem.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <iterator>

#include "ca/embedded_ca.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"
#include "common/openssl_errors.hpp"
#include "procedures/certificate_enrolment.hpp"

namespace rspf::mef {
namespace {

void addAnchor(X509_STORE* anchors, const X509& certificate) {
  auto copy = ca::duplicate(certificate);
  if (X509_STORE_add_cert(anchors, copy.get()) != 1)
    throw Error(ErrorCode::Config, "cannot use a client trust anchor: " + drainOpenSslErrors());
}

// A CRL file, PEM or DER; turns on CRL checking (RFC 5280 6.3) of Enrolee certificates.
void addCrl(X509_STORE* anchors, const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), {});
  if (!in && data.empty()) throw Error(ErrorCode::Config, "cannot read the CRL " + file.string());
  ca::X509CrlPtr crl;
  if (data.find("-----BEGIN X509 CRL-----") != std::string::npos) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())),
                                                  BIO_free);
    crl.reset(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  } else {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
    crl.reset(d2i_X509_CRL(nullptr, &p, static_cast<long>(data.size())));
  }
  if (!crl || X509_STORE_add_crl(anchors, crl.get()) != 1)
    throw Error(ErrorCode::Config, file.string() + " is not a CRL: " + drainOpenSslErrors());
  X509_STORE_set_flags(anchors, X509_V_FLAG_CRL_CHECK);
  spdlog::info("CRL checking of Enrolee certificates on ({})", file.string());
}

}  // namespace

std::optional<MefCertificate> mefCertificate(store::Store& store, const store::KeyEncryptionKey& kek,
                                             const std::string& fqdn, const MefCertificateFiles& files) {
  auto authority = procedures::loadCertificateAuthority(store, kek, "");
  if (!files.certificate && !authority) return std::nullopt;
  MefCertificate m;
  if (files.certificate) {
    m.certificate = ca::loadCertificateFile(*files.certificate);
    m.privateKey = ca::loadPrivateKeyFile(*files.privateKey);
    spdlog::info("MEF certificate from {}", files.certificate->string());
  } else {
    m.privateKey = ca::generateP256Key();
    auto issued = authority->issueServerCertificate(fqdn, *m.privateKey, std::chrono::hours(24 * 90));
    m.certificate = ca::parseCertificate(issued.der);
    spdlog::info("MEF certificate for {} from the embedded CA (serial {})", fqdn, issued.serialHex);
  }
  m.clientTrustAnchors.reset(X509_STORE_new());
  if (!m.clientTrustAnchors) throw Error(ErrorCode::Internal, "cannot build the MEF's client trust anchors");
  if (files.clientTrustAnchors) {
    for (const auto& anchor : ca::loadCertificatesFile(*files.clientTrustAnchors))
      addAnchor(m.clientTrustAnchors.get(), *anchor);
  } else if (authority) {
    addAnchor(m.clientTrustAnchors.get(), authority->certificate());
  } else {
    throw Error(ErrorCode::Config, "tls.client_trust_anchors is required when the store has no embedded CA");
  }
  if (files.crl) addCrl(m.clientTrustAnchors.get(), *files.crl);
  return m;
}

}  // namespace rspf::mef
