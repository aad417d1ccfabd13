// Signed Bootstrap Instruction Configuration bundles (seed 9.2.2.1): round trip, and every way a
// bundle must be refused: altered, signed by another key, or missing what the Enrolee needs.
#include "config/bootstrap_instruction_bundle.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "ca/signature.hpp"
#include "crypto/encoding.hpp"
#include "support/expectations.hpp"

namespace rspf::testing {
namespace {

crypto::ByteView bytesOf(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

config::BootstrapInstructions sampleInstructions() {
  config::BootstrapInstructions i;
  i.enroleeId = "ae1.test.example";
  i.kpmId = "ae1-kpm";
  i.enrolmentTargetIds = {"cse1.test.example", "maf.test.example"};
  i.mefUri = "https://mef.test.example:8443";
  i.mefFqdn = "mef.test.example";
  i.enrolmentToken = "tok-secret-value";
  i.enrolmentExpiry = std::chrono::hours(12);
  i.issuedAt = *parseRfc3339("2026-11-28T04:00:00Z");
  return i;
}

// A bundle whose payload is `payload`, properly signed by `key` (to test the payload checks).
std::string signedPayload(const nlohmann::json& payload, const EVP_PKEY& key) {
  auto text = payload.dump();
  return nlohmann::json{{"format", config::kBootstrapBundleFormat},
                        {"payload", crypto::toBase64Url(bytesOf(text))},
                        {"signature", crypto::toBase64Url(ca::signSha256(key, bytesOf(text)))},
                        {"signer", ca::publicKeyPem(key)}}
      .dump();
}

nlohmann::json payloadOf(const std::string& bundle) {
  auto b = nlohmann::json::parse(bundle);
  auto bytes = *crypto::fromBase64Url(b["payload"].get<std::string>());
  return nlohmann::json::parse(bytes.begin(), bytes.end());
}

class BootstrapInstructionBundle : public ::testing::Test {
 protected:
  ca::EvpPkeyPtr configurationKey = ca::generateP256Key();
  ca::EvpPkeyPtr otherKey = ca::generateP256Key();
};

TEST_F(BootstrapInstructionBundle, RoundTrip) {
  auto i = sampleInstructions();
  auto bundle = config::signBootstrapInstructions(i, *configurationKey);
  auto back = config::verifyBootstrapInstructions(bundle, *configurationKey);
  EXPECT_EQ(back.enroleeId, i.enroleeId);
  EXPECT_EQ(back.kpmId, i.kpmId);
  EXPECT_EQ(back.enrolmentTargetIds, i.enrolmentTargetIds);
  EXPECT_EQ(back.mefUri, i.mefUri);
  EXPECT_EQ(back.mefFqdn, i.mefFqdn);
  EXPECT_EQ(back.enrolmentToken, i.enrolmentToken);
  EXPECT_EQ(back.enrolmentExpiry, i.enrolmentExpiry);
  EXPECT_EQ(back.issuedAt, i.issuedAt);
  EXPECT_TRUE(back.mefTrustAnchorsPem.empty());
}

TEST_F(BootstrapInstructionBundle, CarriesTrustAnchorsAndNoKpm) {
  auto i = sampleInstructions();
  i.enrolmentToken.reset();
  auto caKey = ca::generateP256Key();
  // Any certificate will do as trust anchor material: a self-signed one.
  ca::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("test CA"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  X509_set_pubkey(cert.get(), caKey.get());
  ASSERT_GT(X509_sign(cert.get(), caKey.get(), EVP_sha256()), 0);
  i.mefTrustAnchorsPem = ca::certificatePem(*cert);

  auto bundle = config::signBootstrapInstructions(i, *configurationKey);
  auto back = config::verifyBootstrapInstructions(bundle, *configurationKey);
  EXPECT_EQ(back.mefTrustAnchorsPem, i.mefTrustAnchorsPem);
  EXPECT_FALSE(back.enrolmentToken);
  auto payload = payloadOf(bundle);
  EXPECT_FALSE(payload.contains("kpm"));
  EXPECT_FALSE(payload.contains("enrolmentToken"));
}

TEST_F(BootstrapInstructionBundle, TamperedPayloadIsRefused) {
  auto bundle = nlohmann::json::parse(config::signBootstrapInstructions(sampleInstructions(), *configurationKey));
  auto payload = payloadOf(bundle.dump());
  payload["mefUri"] = "https://evil.example:8443";
  auto text = payload.dump();
  bundle["payload"] = crypto::toBase64Url(bytesOf(text));
  expectError([&] { config::verifyBootstrapInstructions(bundle.dump(), *configurationKey); }, ErrorCode::Forbidden,
              "signature does not verify");
}

TEST_F(BootstrapInstructionBundle, TamperedSignatureIsRefused) {
  auto bundle = nlohmann::json::parse(config::signBootstrapInstructions(sampleInstructions(), *configurationKey));
  auto signature = *crypto::fromBase64Url(bundle["signature"].get<std::string>());
  signature[signature.size() / 2] ^= 0x01;
  bundle["signature"] = crypto::toBase64Url(signature);
  expectError([&] { config::verifyBootstrapInstructions(bundle.dump(), *configurationKey); }, ErrorCode::Forbidden,
              "signature does not verify");
}

TEST_F(BootstrapInstructionBundle, ForeignSignedBundleIsRefused) {
  auto foreign = config::signBootstrapInstructions(sampleInstructions(), *otherKey);
  expectError([&] { config::verifyBootstrapInstructions(foreign, *configurationKey); }, ErrorCode::Forbidden,
              "other than the trusted configuration key");
  // Naming the trusted key as signer does not help a foreign signature.
  auto disguised = nlohmann::json::parse(foreign);
  disguised["signer"] = ca::publicKeyPem(*configurationKey);
  expectError([&] { config::verifyBootstrapInstructions(disguised.dump(), *configurationKey); }, ErrorCode::Forbidden,
              "signature does not verify");
}

TEST_F(BootstrapInstructionBundle, MissingFieldsAreRefused) {
  auto complete = payloadOf(config::signBootstrapInstructions(sampleInstructions(), *configurationKey));
  for (const char* field :
       {"mefUri", "mefFqdn", "enroleeId", "enrolmentTargetIds", "enrolmentExpirySeconds", "issuedAt", "format"}) {
    auto payload = complete;
    payload.erase(field);
    expectError(
        [&] { config::verifyBootstrapInstructions(signedPayload(payload, *configurationKey), *configurationKey); },
        ErrorCode::BadRequest, std::string("'") + field + "' is missing");
  }
  auto payload = complete;
  payload["enrolmentExpirySeconds"] = 0;
  expectError(
      [&] { config::verifyBootstrapInstructions(signedPayload(payload, *configurationKey), *configurationKey); },
      ErrorCode::BadRequest, "enrolmentExpirySeconds");
}

TEST_F(BootstrapInstructionBundle, TheMefUriMayNameEitherBindingAndNothingElse) {
  auto coaps = sampleInstructions();
  coaps.mefUri = "coaps://mef.test.example:5684";
  auto verified = config::verifyBootstrapInstructions(config::signBootstrapInstructions(coaps, *configurationKey),
                                                      *configurationKey);
  EXPECT_EQ(verified.mefUri, "coaps://mef.test.example:5684");
  auto payload = payloadOf(config::signBootstrapInstructions(sampleInstructions(), *configurationKey));
  for (const char* uri : {"http://mef.test.example", "coap://mef.test.example", "mef.test.example:8443"}) {
    payload["mefUri"] = uri;
    expectError(
        [&] { config::verifyBootstrapInstructions(signedPayload(payload, *configurationKey), *configurationKey); },
        ErrorCode::BadRequest, "'mefUri' must be an https:// or a coaps:// URI");
  }
}

TEST_F(BootstrapInstructionBundle, MalformedBundlesAreRefused) {
  expectError([&] { config::verifyBootstrapInstructions("not json", *configurationKey); }, ErrorCode::BadRequest,
              "not a JSON object");
  auto bundle = nlohmann::json::parse(config::signBootstrapInstructions(sampleInstructions(), *configurationKey));
  bundle.erase("signature");
  expectError([&] { config::verifyBootstrapInstructions(bundle.dump(), *configurationKey); }, ErrorCode::BadRequest,
              "'signature' is missing");
  EXPECT_THROW(config::signBootstrapInstructions(sampleInstructions(),
                                                 *ca::parsePublicKey(bytesOf(ca::publicKeyPem(*configurationKey)))),
               std::exception);
}

}  // namespace
}  // namespace rspf::testing
