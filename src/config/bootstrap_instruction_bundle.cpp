#include "config/bootstrap_instruction_bundle.hpp"

#include <nlohmann/json.hpp>

#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "ca/signature.hpp"
#include "common/error.hpp"
#include "common/strict_json.hpp"
#include "common/text_file.hpp"
#include "crypto/encoding.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::config {
namespace {

constexpr std::size_t kMaxBundleBytes = 256 * 1024;

[[noreturn]] void malformed(const std::string& why) {
  throw Error(ErrorCode::BadRequest, "bootstrap instruction bundle: " + why);
}

crypto::ByteView bytesOf(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

std::string requireString(const nlohmann::json& j, const char* name) {
  if (!j.contains(name)) malformed(std::string("'") + name + "' is missing");
  if (!j[name].is_string() || j[name].get<std::string>().empty())
    malformed(std::string("'") + name + "' must be a non-empty string");
  return j[name].get<std::string>();
}

std::string optionalString(const nlohmann::json& j, const char* name) {
  if (!j.contains(name)) return "";
  if (!j[name].is_string()) malformed(std::string("'") + name + "' must be a string");
  return j[name].get<std::string>();
}

nlohmann::json payloadOf(const BootstrapInstructions& i) {
  nlohmann::json p = {{"format", kBootstrapBundleFormat},
                      {"enroleeId", i.enroleeId},
                      {"enrolmentTargetIds", i.enrolmentTargetIds},
                      {"mefUri", i.mefUri},
                      {"mefFqdn", i.mefFqdn},
                      {"enrolmentExpirySeconds", i.enrolmentExpiry.count()},
                      {"issuedAt", toRfc3339(i.issuedAt)}};
  if (!i.kpmId.empty()) p["kpmId"] = i.kpmId;
  if (!i.mefTrustAnchorsPem.empty()) p["mefTrustAnchors"] = i.mefTrustAnchorsPem;
  if (i.enrolmentToken) p["enrolmentToken"] = *i.enrolmentToken;
  if (i.validUntil != TimePoint{}) p["validUntil"] = toRfc3339(i.validUntil);
  return p;
}

BootstrapInstructions instructionsOf(const nlohmann::json& p) {
  if (!p.is_object()) malformed("the payload is not a JSON object");
  if (requireString(p, "format") != kBootstrapBundleFormat)
    malformed("unknown payload format '" + p["format"].get<std::string>().substr(0, 64) + "'");
  BootstrapInstructions i;
  i.enroleeId = requireString(p, "enroleeId");
  i.kpmId = optionalString(p, "kpmId");
  i.mefUri = requireString(p, "mefUri");
  // Either binding (PROTOCOL.md 7): the Enrolee opens its MEF channel on the scheme named here.
  if (i.mefUri.rfind("https://", 0) != 0 && i.mefUri.rfind("coaps://", 0) != 0)
    malformed("'mefUri' must be an https:// or a coaps:// URI");
  i.mefFqdn = requireString(p, "mefFqdn");
  if (!crypto::isAsciiIdentifier(i.mefFqdn)) malformed("'mefFqdn' must be an ASCII FQDN");
  i.mefTrustAnchorsPem = optionalString(p, "mefTrustAnchors");
  if (!i.mefTrustAnchorsPem.empty()) {
    try {
      ca::parseCertificates(bytesOf(i.mefTrustAnchorsPem));
    } catch (const Error&) {
      malformed("'mefTrustAnchors' holds no PEM certificate");
    }
  }
  if (p.contains("enrolmentToken")) {
    auto token = optionalString(p, "enrolmentToken");
    if (token.empty()) malformed("'enrolmentToken' must be a non-empty string");
    i.enrolmentToken = std::move(token);
  }
  if (!p.contains("enrolmentTargetIds")) malformed("'enrolmentTargetIds' is missing");
  if (!p["enrolmentTargetIds"].is_array()) malformed("'enrolmentTargetIds' must be an array of strings");
  for (const auto& id : p["enrolmentTargetIds"]) {
    if (!id.is_string()) malformed("'enrolmentTargetIds' must be an array of strings");
    i.enrolmentTargetIds.push_back(id.get<std::string>());
  }
  if (!p.contains("enrolmentExpirySeconds")) malformed("'enrolmentExpirySeconds' is missing");
  if (!p["enrolmentExpirySeconds"].is_number_integer() || p["enrolmentExpirySeconds"].get<std::int64_t>() <= 0)
    malformed("'enrolmentExpirySeconds' must be a positive integer");
  i.enrolmentExpiry = std::chrono::seconds(p["enrolmentExpirySeconds"].get<std::int64_t>());
  auto issued = parseRfc3339(requireString(p, "issuedAt"));
  if (!issued) malformed("'issuedAt' must be an RFC 3339 time");
  i.issuedAt = *issued;
  if (p.contains("validUntil")) {
    auto until = parseRfc3339(requireString(p, "validUntil"));
    if (!until || *until <= i.issuedAt) malformed("'validUntil' must be an RFC 3339 time after 'issuedAt'");
    i.validUntil = *until;
  }
  return i;
}

}  // namespace

std::string signBootstrapInstructions(const BootstrapInstructions& instructions, const EVP_PKEY& configurationKey) {
  ca::requireP256(configurationKey, "the configuration key");
  std::string payload = payloadOf(instructions).dump();  // nlohmann objects keep keys sorted: canonical
  auto signature = ca::signSha256(configurationKey, bytesOf(payload));
  nlohmann::json bundle = {{"format", kBootstrapBundleFormat},
                           {"payload", crypto::toBase64Url(bytesOf(payload))},
                           {"signature", crypto::toBase64Url(signature)},
                           {"signer", ca::publicKeyPem(configurationKey)}};
  return bundle.dump(2) + "\n";
}

BootstrapInstructions verifyBootstrapInstructions(std::string_view text, const EVP_PKEY& trustedSigner) {
  if (text.size() > kMaxBundleBytes) malformed("larger than 256 KiB");
  auto bundle = parseStrictJsonOrDiscarded(text);
  if (bundle.is_discarded() || !bundle.is_object()) malformed("not a JSON object");
  if (requireString(bundle, "format") != kBootstrapBundleFormat)
    malformed("unknown format '" + bundle["format"].get<std::string>().substr(0, 64) + "'");
  auto signerPem = requireString(bundle, "signer");
  ca::EvpPkeyPtr signer;
  try {
    signer = ca::parsePublicKey(bytesOf(signerPem));
  } catch (const Error&) {
    malformed("'signer' is not a PEM public key");
  }
  // The signer named in the bundle is only a hint: the trusted key decides.
  if (!ca::samePublicKey(*signer, trustedSigner))
    throw Error(ErrorCode::Forbidden,
                "bootstrap instruction bundle: signed by a key other than the trusted configuration key "
                "(--bundle-signer); refusing it");
  auto payload = crypto::fromBase64Url(requireString(bundle, "payload"));
  if (!payload) malformed("'payload' is not base64url");
  auto signature = crypto::fromBase64Url(requireString(bundle, "signature"));
  if (!signature) malformed("'signature' is not base64url");
  if (!ca::verifySha256(trustedSigner, *payload, *signature))
    throw Error(ErrorCode::Forbidden,
                "bootstrap instruction bundle: the signature does not verify (the bundle was altered); refusing it");
  auto json =
      parseStrictJsonOrDiscarded(std::string_view(reinterpret_cast<const char*>(payload->data()), payload->size()));
  if (json.is_discarded()) malformed("the payload is not JSON");
  auto instructions = instructionsOf(json);
  if (instructions.validUntil != TimePoint{} && instructions.validUntil <= now())
    throw Error(ErrorCode::Forbidden, "bootstrap instruction bundle: valid until " +
                                          toRfc3339(instructions.validUntil) +
                                          ", it has expired; ask the MEF's operator for a new one");
  return instructions;
}

ca::EvpPkeyPtr loadBundleSigner(const std::filesystem::path& file) {
  auto text = readTextFile(file, "the bundle signer");
  try {
    if (text.find("-----BEGIN CERTIFICATE-----") != std::string::npos || text.rfind("-----BEGIN", 0) != 0) {
      auto certificate = ca::parseCertificate(bytesOf(text));
      ca::EvpPkeyPtr key(X509_get_pubkey(certificate.get()));
      if (!key) throw Error(ErrorCode::BadRequest, "no public key");
      return key;
    }
    return ca::parsePublicKey(bytesOf(text));
  } catch (const Error& e) {
    throw Error(ErrorCode::Config,
                "the bundle signer " + file.string() + " must be a PEM public key or certificate: " + e.what());
  }
}

}  // namespace rspf::config
