#include "enrolee/enrolment_client.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "ca/pem.hpp"
#include "ca/revocation_list.hpp"
#include "common/error.hpp"
#include "common/text_file.hpp"
#include "crypto/enrolment_key.hpp"
#include "crypto/gba_key_derivation.hpp"
#include "crypto/identifiers.hpp"
#include "enrolee/exchange_answer.hpp"

namespace rspf::enrolee {
namespace {

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

// The MEF's CRL (a MEF without an embedded CA publishes none: nothing is written then).
void saveMefCrl(transport::SecureChannel& channel, const std::filesystem::path& file) {
  transport::Request request;
  request.method = transport::Method::Get;
  request.target = "/crl";
  transport::Response response;
  try {
    response = channel.send(request, "the MEF's CRL");
  } catch (const Error& e) {
    if (e.code() == ErrorCode::NotFound) return;
    throw;
  }
  ca::parseCrls(crypto::asBytes(response.body));  // a CRL, before it replaces the kept one
  writePrivateTextFile(file, response.body);
}

}  // namespace

void fetchMefCrl(const EnroleeCredentials& c, const std::filesystem::path& file) {
  auto channel = openMefChannel(c.mefUrl, c.mefFqdn, PreProvisionedKey{c.kreId, c.kre});
  saveMefCrl(*channel, file);
}

BootstrapCredential bootstrapCredentialOf(const EnrolOptions& options) {
  if (options.gba) return GbaBootstrapKey{*options.gba, options.gbaUicc};
  if (options.certificateBootstrap) return *options.certificateBootstrap;
  return PreProvisionedKey{options.kpmId, options.kpm};
}

EnroledCertificate renewCertificate(const EnrolOptions& options) {
  if (!options.certificateBootstrap) throw Error(ErrorCode::Config, "renewal needs the current certificate and key");
  auto channel = openMefChannel(options.mefUrl, options.mefFqdn, bootstrapCredentialOf(options), options.tls13);
  auto current = ca::loadCertificateFile(options.certificateBootstrap->certificate);
  return renewCertificate(*channel, "/.well-known/est", *current);
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
  auto channel = openMefChannel(options.mefUrl, options.mefFqdn, bootstrapCredentialOf(options), options.tls13);

  // 8.3.3.2: the Enrolee generates the same Enrolment Key material from the session.
  auto exported = channel->exportKeyingMaterial(crypto::kExporterLabel, crypto::kExporterLength);
  auto material = crypto::deriveEnrolmentKeyMaterial(exported.view(), options.mefFqdn);

  nlohmann::json request = {{"certificateEnrolment", options.certificateEnrolment},
                            {"mafEnrolment", options.mafEnrolment}};
  if (options.enrolmentToken) request["enrolmentToken"] = *options.enrolmentToken;
  transport::Request exchange;
  exchange.method = transport::Method::Post;
  exchange.target = "/enrolment/exchange";
  exchange.contentFormat = transport::ContentFormat::Json;
  exchange.body = request.dump();
  auto response = channel->send(exchange, "enrolment exchange");

  auto answer = parseExchangeAnswer(response.body);
  if (!crypto::equalsIgnoreCase(answer.keId, material.keId) || !crypto::equalsIgnoreCase(answer.kreId, material.kreId))
    throw Error(ErrorCode::Internal,
                "the MEF's KeId/KreId differ from this Enrolee's derivation (different session or MEF FQDN)");
  EnroleeCredentials c;
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
  c.expiry = answer.expiry;
  c.enrolledAt = now();
  c.keyProfile = answer.keyProfile;
  c.instructions = std::move(answer.instructions);
  c.targetKeys = deriveTargetKeys(c);
  // The CRL is a convenience for `rspf maf-connect`, refreshed on every enrolment: the Enrolment Key is
  // already the MEF's, so a CRL that cannot be fetched now (a draining MEF closed the connection) is
  // a warning, not a failed enrolment.
  if (options.mefCrlFile) {
    try {
      saveMefCrl(*channel, *options.mefCrlFile);
    } catch (const Error& e) {
      spdlog::warn("the MEF's CRL was not refreshed ({}); the enrolment stands", e.what());
    }
  }
  // 8.3.3.1 steps 5-6: Certificate Enrolment when instructed.
  for (const auto& instruction : c.instructions)
    if (options.certificateEnrolment && instruction.value("type", "") == "certificateEnrolment")
      certificate = enrolCertificate(*channel, instruction.value("uri", ""), options.approvalWait);
  return c;
}

}  // namespace rspf::enrolee
