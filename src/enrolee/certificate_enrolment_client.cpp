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
#include "enrolee/enrolment_client.hpp"

namespace rspf::enrolee {
namespace {

std::string pathOf(const std::string& uri) {
  auto scheme = uri.find("://");
  auto slash = uri.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) throw Error(ErrorCode::Internal, "the MEF's EST uri has no path: " + uri);
  return uri.substr(slash);
}

transport::HttpResponse estRequest(transport::HttpsClient& client, transport::HttpRequest request,
                                   std::string_view what) {
  auto response = client.request(request);
  if (response.status != 200) throwMefError(response, what);
  return response;
}

}  // namespace

EnroledCertificate enrolCertificate(transport::HttpsClient& client, const std::string& estUri,
                                    std::chrono::seconds approvalWait) {
  const std::string est = pathOf(estUri);
  EnroledCertificate result;

  // Steps 3-5: the trust anchors.
  auto cacerts = estRequest(client, {"GET", est + "/cacerts", {}, ""}, "EST cacerts");
  for (auto& der : ca::certificatesFromPkcs7(ca::estBase64Decode(cacerts.body, "cacerts")))
    result.trustAnchors.push_back(ca::parseCertificate(der));
  if (result.trustAnchors.empty()) throw Error(ErrorCode::Internal, "the MEF's cacerts holds no certificate");

  // Steps 6-7: what the CSR must carry.
  auto csrattrs = estRequest(client, {"GET", est + "/csrattrs", {}, ""}, "EST csrattrs");
  auto attributes = ca::parseCsrAttributes(ca::estBase64Decode(csrattrs.body, "csrattrs"));
  if (!attributes.challengePassword || attributes.challengePassword->empty())
    throw Error(ErrorCode::Internal, "the MEF's csrattrs carry no challengePassword");

  // Steps 8-9: a fresh key pair and the CSR.
  result.privateKey = ca::generateP256Key();
  std::string commonName = attributes.subjectAltNames.empty() ? "" : attributes.subjectAltNames.front().value;
  auto csr = ca::buildCertificateRequest(*result.privateKey, commonName, attributes);
  transport::HttpRequest enroll{
      "POST", est + "/simpleenroll", {{"Content-Type", "application/pkcs10"}}, ca::estBase64Encode(csr)};
  auto deadline = std::chrono::steady_clock::now() + approvalWait;
  auto enrolled = client.request(enroll);
  // RFC 7030 4.2.3: 202 Accepted, Retry-After: held for approval.
  while (enrolled.status == 202) {
    auto retryAfter = std::chrono::seconds(std::stoll(enrolled.header("Retry-After").value_or("10")));
    if (std::chrono::steady_clock::now() + retryAfter > deadline)
      throw Error(ErrorCode::Unavailable,
                  "the certificate request awaits the MEF administrator's approval (retry after " +
                      std::to_string(retryAfter.count()) + " s; --approval-wait to wait)");
    std::this_thread::sleep_for(retryAfter);
    enrolled = client.request(enroll);
  }
  if (enrolled.status != 200) throwMefError(enrolled, "EST simpleenroll");

  // Steps 14-15: install the certificate with its key.
  auto certificates = ca::certificatesFromPkcs7(ca::estBase64Decode(enrolled.body, "simpleenroll"));
  if (certificates.empty()) throw Error(ErrorCode::Internal, "the MEF's simpleenroll answer holds no certificate");
  result.certificate = ca::parseCertificate(certificates.front());
  if (X509_check_private_key(result.certificate.get(), result.privateKey.get()) != 1)
    throw Error(ErrorCode::Internal, "the issued certificate does not match this Enrolee's key");

  // 8.3.3.1 step 6: report success.
  auto done = client.request({"POST", "/enrolment/exchange/complete", {}, R"({"step":"certificateEnrolment"})"});
  if (done.status != 200) throwMefError(done, "certificate enrolment completion");
  return result;
}

EnroledCertificate renewCertificate(transport::HttpsClient& client, const std::string& estPath, const X509& current) {
  EnroledCertificate result;
  auto cacerts = estRequest(client, {"GET", estPath + "/cacerts", {}, ""}, "EST cacerts");
  for (auto& der : ca::certificatesFromPkcs7(ca::estBase64Decode(cacerts.body, "cacerts")))
    result.trustAnchors.push_back(ca::parseCertificate(der));
  ca::CsrAttributes attributes;
  attributes.subjectAltNames = ca::subjectAltNamesOf(current);
  result.privateKey = ca::generateP256Key();
  std::string commonName = attributes.subjectAltNames.empty() ? "" : attributes.subjectAltNames.front().value;
  auto csr = ca::buildCertificateRequest(*result.privateKey, commonName, attributes);
  auto renewed = estRequest(
      client, {"POST", estPath + "/simplereenroll", {{"Content-Type", "application/pkcs10"}}, ca::estBase64Encode(csr)},
      "EST simplereenroll");
  auto certificates = ca::certificatesFromPkcs7(ca::estBase64Decode(renewed.body, "simplereenroll"));
  if (certificates.empty()) throw Error(ErrorCode::Internal, "the MEF's simplereenroll answer holds no certificate");
  result.certificate = ca::parseCertificate(certificates.front());
  if (X509_check_private_key(result.certificate.get(), result.privateKey.get()) != 1)
    throw Error(ErrorCode::Internal, "the renewed certificate does not match the new key");
  return result;
}

}  // namespace rspf::enrolee
