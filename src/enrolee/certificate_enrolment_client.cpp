#include "enrolee/certificate_enrolment_client.hpp"

#include <openssl/x509.h>

#include <thread>

#include "ca/certificate_request_builder.hpp"
#include "ca/csr_attributes.hpp"
#include "ca/general_names.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "ca/pkcs7.hpp"
#include "common/error.hpp"
#include "crypto/encoding.hpp"

namespace rspf::enrolee {
namespace {

std::string pathOf(const std::string& uri) {
  auto scheme = uri.find("://");
  auto slash = uri.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) throw Error(ErrorCode::Internal, "the MEF's EST uri has no path: " + uri);
  return uri.substr(slash);
}

transport::Request get(std::string target) {
  transport::Request r;
  r.target = std::move(target);
  return r;
}

transport::Request post(std::string target, transport::ContentFormat format, std::string body) {
  transport::Request r;
  r.method = transport::Method::Post;
  r.target = std::move(target);
  r.contentFormat = format;
  r.body = std::move(body);
  return r;
}

std::vector<crypto::Bytes> certificatesOf(const transport::Response& response) {
  return ca::certificatesFromPkcs7(crypto::asBytes(response.body));
}

}  // namespace

EnroledCertificate enrolCertificate(transport::SecureChannel& channel, const std::string& estUri,
                                    std::chrono::seconds approvalWait) {
  const std::string est = pathOf(estUri);
  EnroledCertificate result;

  // Steps 3-5: the trust anchors.
  for (auto& der : certificatesOf(channel.send(get(est + "/cacerts"), "EST cacerts")))
    result.trustAnchors.push_back(ca::parseCertificate(der));
  if (result.trustAnchors.empty()) throw Error(ErrorCode::Internal, "the MEF's cacerts holds no certificate");

  // Steps 6-7: what the CSR must carry.
  auto csrattrs = channel.send(get(est + "/csrattrs"), "EST csrattrs");
  auto attributes = ca::parseCsrAttributes(crypto::asBytes(csrattrs.body));
  if (!attributes.challengePassword || attributes.challengePassword->empty())
    throw Error(ErrorCode::Internal, "the MEF's csrattrs carry no challengePassword");

  // Steps 8-9: a fresh key pair and the CSR.
  result.privateKey = ca::generateP256Key();
  std::string commonName = attributes.subjectAltNames.empty() ? "" : attributes.subjectAltNames.front().value;
  auto csr = ca::buildCertificateRequest(*result.privateKey, commonName, attributes);
  auto enroll = post(est + "/simpleenroll", transport::ContentFormat::Pkcs10, std::string(csr.begin(), csr.end()));
  auto deadline = std::chrono::steady_clock::now() + approvalWait;
  auto enrolled = channel.send(enroll, "EST simpleenroll");
  // RFC 7030 4.2.3 (202 + Retry-After), RFC 9148 (5.03 + Max-Age): held for approval.
  while (enrolled.status == transport::Status::Pending) {
    auto retryAfter = enrolled.retryAfter;
    if (std::chrono::steady_clock::now() + retryAfter > deadline)
      throw Error(ErrorCode::Unavailable,
                  "the certificate request awaits the MEF administrator's approval (retry after " +
                      std::to_string(retryAfter.count()) + " s; --approval-wait to wait)");
    std::this_thread::sleep_for(retryAfter);
    enrolled = channel.send(enroll, "EST simpleenroll");
  }

  // Steps 14-15: install the certificate with its key.
  auto certificates = certificatesOf(enrolled);
  if (certificates.empty()) throw Error(ErrorCode::Internal, "the MEF's simpleenroll answer holds no certificate");
  result.certificate = ca::parseCertificate(certificates.front());
  if (X509_check_private_key(result.certificate.get(), result.privateKey.get()) != 1)
    throw Error(ErrorCode::Internal, "the issued certificate does not match this Enrolee's key");

  // 8.3.3.1 step 6: report success.
  channel.send(
      post("/enrolment/exchange/complete", transport::ContentFormat::Json, R"({"step":"certificateEnrolment"})"),
      "certificate enrolment completion");
  return result;
}

EnroledCertificate renewCertificate(transport::SecureChannel& channel, const std::string& estPath,
                                    const X509& current) {
  EnroledCertificate result;
  for (auto& der : certificatesOf(channel.send(get(estPath + "/cacerts"), "EST cacerts")))
    result.trustAnchors.push_back(ca::parseCertificate(der));
  ca::CsrAttributes attributes;
  attributes.subjectAltNames = ca::subjectAltNamesOf(current);
  result.privateKey = ca::generateP256Key();
  std::string commonName = attributes.subjectAltNames.empty() ? "" : attributes.subjectAltNames.front().value;
  auto csr = ca::buildCertificateRequest(*result.privateKey, commonName, attributes);
  auto renewed = channel.send(
      post(estPath + "/simplereenroll", transport::ContentFormat::Pkcs10, std::string(csr.begin(), csr.end())),
      "EST simplereenroll");
  if (renewed.status != transport::Status::Ok)
    throw Error(ErrorCode::Unavailable, "the MEF holds the re-enrolment request; ask again later");
  auto certificates = certificatesOf(renewed);
  if (certificates.empty()) throw Error(ErrorCode::Internal, "the MEF's simplereenroll answer holds no certificate");
  result.certificate = ca::parseCertificate(certificates.front());
  if (X509_check_private_key(result.certificate.get(), result.privateKey.get()) != 1)
    throw Error(ErrorCode::Internal, "the renewed certificate does not match the new key");
  return result;
}

}  // namespace rspf::enrolee
