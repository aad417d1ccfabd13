#include "enrolee/enrolment_client.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "ca/pem.hpp"
#include "ca/revocation_list.hpp"
#include "common/error.hpp"
#include "common/strict_json.hpp"
#include "common/text_file.hpp"
#include "crypto/enrolment_key.hpp"
#include "crypto/gba_key_derivation.hpp"
#include "crypto/identifiers.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::enrolee {
namespace {

ErrorCode errorCodeOfStatus(int status) {
  switch (status) {
    case 400: return ErrorCode::BadRequest;
    case 401: return ErrorCode::Unauthorized;
    case 403: return ErrorCode::Forbidden;
    case 404: return ErrorCode::NotFound;
    case 409: return ErrorCode::Conflict;
    case 413: return ErrorCode::PayloadTooLarge;
    case 503: return ErrorCode::Unavailable;
    default: return ErrorCode::Internal;
  }
}

// Keys for the pairs of a directKeys instruction and a symmetric mafEnrolment instruction.
std::vector<TargetKey> deriveTargetKeys(const EnroleeCredentials& c) {
  std::vector<TargetKey> keys;
  auto add = [&](const std::string& targetId, const std::string& usageName) {
    auto usage = crypto::parseUsage(usageName);
    if (!usage || !crypto::isAsciiIdentifier(targetId))
      throw Error(ErrorCode::Internal, "the MEF instructed an unusable pair (" + targetId + ", " + usageName + ")");
    TargetKey key;
    key.targetId = targetId;
    key.usage = usageName;
    key.keyIdentifier = crypto::makeDerivedKeyIdentifier(c.relativeKeId, crypto::defaultSuid(*usage), c.mefFqdn);
    key.key = crypto::deriveTargetKey(c.keyProfile, c.ke.view(), *usage, targetId);
    keys.push_back(std::move(key));
  };
  for (const auto& instruction : c.instructions) {
    auto type = instruction.value("type", "");
    if (type == "directKeys") {
      for (const auto& pair : instruction.at("pairs"))
        add(pair.at("targetId").get<std::string>(), pair.at("usage").get<std::string>());
    } else if (type == "mafEnrolment" && instruction.value("credentialType", "") == "symmetric") {
      add(instruction.at("mafId").get<std::string>(), "MAF");
    }
  }
  return keys;
}

// The bootstrap handshake of the chosen framework.
transport::HttpsClient connectToMef(const transport::HttpsEndpoint& endpoint, const EnrolOptions& options) {
  if (options.gba) {
    tls::PskClientCredentials credentials(crypto::gbaPskIdentity(options.gba->btid, options.gbaUicc), {});
    credentials.pskForCipherSuite = [key = *options.gba, fqdn = options.mefFqdn,
                                     uicc = options.gbaUicc](std::uint16_t cipherSuite) {
      return crypto::deriveNafKey(key.ks, uicc ? crypto::GbaKeyKind::U : crypto::GbaKeyKind::Me, key.rand, key.impi,
                                  crypto::nafId(fqdn, cipherSuite));
    };
    return transport::HttpsClient(endpoint, tls::PskClientSettings{options.mefFqdn, options.tls13},
                                  std::move(credentials));
  }
  if (!options.certificateBootstrap) {
    crypto::requireAsciiIdentifier(options.kpmId, "KpmId");
    return transport::HttpsClient(endpoint, tls::PskClientSettings{options.mefFqdn, options.tls13},
                                  {options.kpmId, options.kpm});
  }
  const auto& files = *options.certificateBootstrap;
  auto certificate = ca::loadCertificateFile(files.certificate);
  auto key = ca::loadPrivateKeyFile(files.privateKey);
  auto anchors = ca::loadTrustStoreFile(files.mefTrustAnchors);
  if (files.crl) ca::addCrlsToStore(anchors.get(), crypto::asBytes(readTextFile(*files.crl, "the CRL")));
  return transport::HttpsClient(endpoint, options.mefFqdn, {certificate.get(), key.get(), anchors.get()});
}

// The MEF's CRL (a MEF without an embedded CA publishes none: nothing is written then).
void saveMefCrl(transport::HttpsClient& client, const std::filesystem::path& file) {
  auto response = client.request({"GET", "/crl", {}, ""});
  if (response.status == 404) return;
  if (response.status != 200) throwMefError(response, "the MEF's CRL");
  ca::parseCrls(crypto::asBytes(response.body));  // a CRL, before it replaces the kept one
  writePrivateTextFile(file, response.body);
}

}  // namespace

void fetchMefCrl(const EnroleeCredentials& c, const std::filesystem::path& file) {
  auto endpoint = transport::parseHttpsUrl(c.mefUrl);
  if (!endpoint) throw Error(ErrorCode::Config, "bad MEF URL " + c.mefUrl);
  transport::HttpsClient client(*endpoint, tls::PskClientSettings{c.mefFqdn, false}, {c.kreId, c.kre});
  saveMefCrl(client, file);
}

EnroledCertificate renewCertificate(const EnrolOptions& options) {
  if (!options.certificateBootstrap) throw Error(ErrorCode::Config, "renewal needs the current certificate and key");
  auto endpoint = transport::parseHttpsUrl(options.mefUrl);
  if (!endpoint)
    throw Error(ErrorCode::Config, "MEF URL must look like https://host:port, got '" + options.mefUrl + "'");
  auto client = connectToMef(*endpoint, options);
  auto current = ca::loadCertificateFile(options.certificateBootstrap->certificate);
  return renewCertificate(client, "/.well-known/est", *current);
}

void throwMefError(const transport::HttpResponse& response, std::string_view what) {
  auto body = parseStrictJsonOrDiscarded(response.body);
  std::string reason = body.is_object() && body.contains("ErrorString") && body["ErrorString"].is_string()
                           ? body["ErrorString"].get<std::string>()
                           : "no reason given";
  throw Error(errorCodeOfStatus(response.status),
              std::string(what) + " refused (" + std::to_string(response.status) + "): " + reason);
}

EnroleeCredentials enrolWithGba(EnrolOptions options, const BsfEndpoint& bsf, SimulatedUsim& usim,
                                const BootstrappedKeyFile& keyFile, std::optional<EnroledCertificate>& certificate,
                                bool& reusedBootstrapping) {
  options.gba = bootstrappedKey(bsf, usim, keyFile, reusedBootstrapping);
  if (!reusedBootstrapping) return enrol(options, certificate);
  try {
    return enrol(options, certificate);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Tls) throw;
    spdlog::info("the MEF refused the kept B-TID {} ({}); bootstrapping again", options.gba->btid, e.what());
  }
  reusedBootstrapping = false;
  options.gba = runBootstrapping(bsf, usim);
  keyFile.save(*options.gba);
  return enrol(options, certificate);
}

EnroleeCredentials enrol(const EnrolOptions& options) {
  std::optional<EnroledCertificate> ignored;
  return enrol(options, ignored);
}

EnroleeCredentials enrol(const EnrolOptions& options, std::optional<EnroledCertificate>& certificate) {
  auto endpoint = transport::parseHttpsUrl(options.mefUrl);
  if (!endpoint)
    throw Error(ErrorCode::Config, "MEF URL must look like https://host:port, got '" + options.mefUrl + "'");
  auto client = connectToMef(*endpoint, options);

  // 8.3.3.2: the Enrolee generates the same Enrolment Key material from the session.
  auto exported = client.exportKeyingMaterial(crypto::kExporterLabel, crypto::kExporterLength);
  auto material = crypto::deriveEnrolmentKeyMaterial(exported.view(), options.mefFqdn);

  nlohmann::json request = {{"certificateEnrolment", options.certificateEnrolment},
                            {"mafEnrolment", options.mafEnrolment}};
  if (options.enrolmentToken) request["enrolmentToken"] = *options.enrolmentToken;
  auto response = client.request({"POST", "/enrolment/exchange", {}, request.dump()});
  if (response.status != 200) throwMefError(response, "enrolment exchange");

  auto body = parseStrictJsonOrDiscarded(response.body);
  if (!body.is_object() || !body.contains("keId") || !body.contains("kreId") || !body.contains("expiry"))
    throw Error(ErrorCode::Internal, "the MEF's enrolment exchange answer is malformed");
  EnroleeCredentials c;
  try {
    if (!crypto::equalsIgnoreCase(body.at("keId").get<std::string>(), material.keId) ||
        !crypto::equalsIgnoreCase(body.at("kreId").get<std::string>(), material.kreId))
      throw Error(ErrorCode::Internal,
                  "the MEF's KeId/KreId differ from this Enrolee's derivation (different session or MEF FQDN)");
    auto expiry = parseRfc3339(body.at("expiry").get<std::string>());
    auto profile = crypto::parseKeyProfile(body.value("keyProfile", "current"));
    if (!expiry || !profile) throw Error(ErrorCode::Internal, "the MEF's expiry or keyProfile is malformed");
    c.mefUrl = options.mefUrl;
    c.mefFqdn = crypto::toLower(options.mefFqdn);
    c.pskIdentity = options.gba                    ? crypto::gbaPskIdentity(options.gba->btid, options.gbaUicc)
                    : options.certificateBootstrap ? ""
                                                   : options.kpmId;
    c.keId = material.keId;
    c.relativeKeId = material.relativeKeId;
    c.ke = std::move(material.ke);
    c.kreId = material.kreId;
    c.kre = std::move(material.kre);
    c.expiry = *expiry;
    c.enrolledAt = now();
    c.keyProfile = *profile;
    c.instructions = body.value("instructions", nlohmann::json::array());
    c.targetKeys = deriveTargetKeys(c);
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::Internal, "the MEF's enrolment exchange answer has wrong types");
  }
  // The CRL is a convenience for `rspf maf-connect`, refreshed on every enrolment: the Enrolment Key is
  // already the MEF's, so a CRL that cannot be fetched now (a draining MEF closed the connection) is
  // a warning, not a failed enrolment.
  if (options.mefCrlFile) {
    try {
      saveMefCrl(client, *options.mefCrlFile);
    } catch (const Error& e) {
      spdlog::warn("the MEF's CRL was not refreshed ({}); the enrolment stands", e.what());
    }
  }
  // 8.3.3.1 steps 5-6: Certificate Enrolment when instructed.
  for (const auto& instruction : c.instructions)
    if (options.certificateEnrolment && instruction.value("type", "") == "certificateEnrolment")
      certificate = enrolCertificate(client, instruction.value("uri", ""), options.approvalWait);
  return c;
}

}  // namespace rspf::enrolee
