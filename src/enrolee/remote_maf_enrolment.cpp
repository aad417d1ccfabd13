#include "enrolee/remote_maf_enrolment.hpp"

#include <spdlog/spdlog.h>

#include "ca/pem.hpp"
#include "ca/revocation_list.hpp"
#include "common/error.hpp"
#include "common/strict_json.hpp"
#include "common/text_file.hpp"
#include "enrolee/bootstrap_credential.hpp"
#include "enrolee/enrolment_client.hpp"
#include "transport/https/http_codec.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::enrolee {

MafCertificateFiles certificateFilesBeside(const std::filesystem::path& credentialFile) {
  const auto base = credentialFile.string();
  return {base + ".certificate.pem", base + ".certificate-key.pem", base + ".trust-anchors.pem"};
}

const nlohmann::json* mafInstructionOf(const EnroleeCredentials& credentials) {
  for (const auto& instruction : credentials.instructions)
    if (instruction.is_object() && instruction.value("type", "") == "mafEnrolment") return &instruction;
  return nullptr;
}

transport::HttpResponse requestMaf(EnroleeCredentials& c, const MafRequest& r) {
  const auto* instruction = mafInstructionOf(c);
  if (instruction == nullptr)
    throw Error(ErrorCode::Config, "the MEF gave no mafEnrolment instruction (enrol with --maf)");
  const std::string mafId = instruction->value("mafId", "");
  const std::string url = r.mafUrl.empty() ? instruction->value("mafUri", "") : r.mafUrl;
  if (instruction->value("credentialType", "") == "symmetric") {
    auto* km = c.findTargetKey(mafId, "MAF");
    // Issue 10 item 8: a MAF that no longer knows the KmId (an older MAF restarted) refuses it in
    // the handshake; `auto` then presents KeId again, and the MAF answers with the KmId it now uses.
    if (r.identity != IdentityChoice::Automatic || km == nullptr || km->kmId.empty())
      return requestTarget(c, {url, mafId, "MAF", r.identity, r.evenIfExpired, r.request});
    try {
      return requestTarget(c, {url, mafId, "MAF", IdentityChoice::KmId, r.evenIfExpired, r.request});
    } catch (const Error& e) {
      if (e.code() != ErrorCode::Tls) throw;
      spdlog::info("the MAF refused the KmId {} ({}); presenting KeId", km->kmId, e.what());
    }
    km->kmId.clear();
    auto response = requestTarget(c, {url, mafId, "MAF", IdentityChoice::KeId, r.evenIfExpired, r.request});
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (response.status == 200 && body.is_object() && body.contains("kmId") && body["kmId"].is_string())
      c.findTargetKey(mafId, "MAF")->kmId = body["kmId"].get<std::string>();
    return response;
  }

  if (!r.certificate) throw Error(ErrorCode::Config, "the MAF expects the Enrolee's certificate: name its files");
  if (c.expiry <= now() && !r.evenIfExpired)
    throw Error(ErrorCode::Config, "the Enrolment Key expired at " + toRfc3339(c.expiry) + "; enrol again");
  auto endpoint = transport::parseHttpsUrl(url);
  if (!endpoint)
    throw Error(ErrorCode::Config,
                "the certificate credential type runs over TLS: the MAF URL must look like https://host:port, got '" +
                    url.substr(0, 200) + "'");
  auto certificate = ca::loadCertificateFile(r.certificate->certificate);
  auto key = ca::loadPrivateKeyFile(r.certificate->privateKey);
  auto anchors = ca::loadTrustStoreFile(r.certificate->trustAnchors);
  if (r.crl) ca::addCrlsToStore(anchors.get(), crypto::asBytes(readTextFile(*r.crl, "the CRL")));
  transport::HttpsClient client(*endpoint, mafId, {certificate.get(), key.get(), anchors.get()});
  return client.request(r.request);
}

RemoteMafEnrolment performRemoteMafEnrolment(EnroleeCredentials& c,
                                             const std::optional<MafCertificateFiles>& certificate,
                                             const std::string& mafUrl) {
  const auto* instruction = mafInstructionOf(c);
  if (instruction == nullptr) throw Error(ErrorCode::Config, "the MEF gave no mafEnrolment instruction");
  RemoteMafEnrolment result;
  result.mafId = instruction->value("mafId", "");
  result.credentialType = instruction->value("credentialType", "");

  // Step 5 (symmetric: KeId in this first handshake) and the MAF's answer.
  MafRequest first;
  first.mafUrl = mafUrl;
  first.identity = IdentityChoice::KeId;
  first.certificate = certificate;
  first.request = {"GET", "/enrolment", {}, ""};
  auto response = requestMaf(c, first);
  if (response.status != 200) transport::throwRefusal(response, "Remote MAF Enrolment with '" + result.mafId + "'");
  auto body = parseStrictJsonOrDiscarded(response.body);
  if (!body.is_object() || !body.contains("usages") || !body["usages"].is_array())
    throw Error(ErrorCode::Internal, "the MAF's enrolment answer is malformed");
  for (const auto& u : body["usages"])
    if (u.is_string()) result.usages.push_back(u.get<std::string>());
  if (result.credentialType == "symmetric") {
    result.kmId = body.value("kmId", "");
    if (result.kmId.empty()) throw Error(ErrorCode::Internal, "the MAF assigned no KmId");
    auto* km = c.findTargetKey(result.mafId, "MAF");
    if (km == nullptr) throw Error(ErrorCode::Internal, "no Km was derived for '" + result.mafId + "'");
    km->kmId = result.kmId;
  }

  // 8.3.3.1 step 8: "the Enrolee sends a message to the MEF indicating success", on a
  // re-authentication session (KreId/Kre) over the binding it enrolled on (https:// or coaps://).
  auto mef = openMefChannel(c.mefUrl, c.mefFqdn, PreProvisionedKey{c.kreId, c.kre});
  transport::Request done;
  done.method = transport::Method::Post;
  done.target = "/enrolment/exchange/complete";
  done.contentFormat = transport::ContentFormat::Json;
  done.body = R"({"step":"mafEnrolment"})";
  mef->send(done, "Remote MAF Enrolment completion");
  spdlog::debug("Remote MAF Enrolment with '{}' reported to the MEF", result.mafId);
  return result;
}

}  // namespace rspf::enrolee
