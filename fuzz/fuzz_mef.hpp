#pragma once
// The MEF's rows for the targets that run its routers end to end: an Enrolee ae1 (pre-provisioned
// key, direct keys for the Target cse1, certificate enrolment), the Enrolee and Enrolment Target cse1
// (which retrieves keys), the default embedded CA, and a current Enrolment Key for each Enrolee.
#include <string>

#include "../tests/support/framework_grants.hpp"
#include "admin/administration.hpp"
#include "crypto/primitives.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "procedures/enrolment_exchange.hpp"
#include "store/store.hpp"
#include "tls/authenticated_peer.hpp"

namespace rspf::fuzz {

inline constexpr const char* kMefFqdn = "mef.fuzz.example";
inline constexpr const char* kEnrolee = "ae1.fuzz.example";
inline constexpr const char* kTarget = "cse1.fuzz.example";

// A peer as a bootstrap framework resolves it, with an exporter that gives fixed bytes, different for
// each principal (two Enrolees with one exported key would get one RelativeKeId and one KreId).
inline tls::AuthenticatedPeer peerOf(std::string framework, std::string principal) {
  tls::AuthenticatedPeer peer;
  const auto fill = static_cast<std::uint8_t>(0x5a + principal.size());
  peer.grants = testing::grantsOf(framework);  // what that framework's peers may do (procedures check grants)
  peer.framework = std::move(framework);
  peer.principal = std::move(principal);
  peer.remoteAddress = "192.0.2.1:40000";
  peer.exportKeyingMaterial = [fill](std::string_view, std::size_t length) {
    return crypto::SecretBytes(crypto::Bytes(length, fill));
  };
  return peer;
}

inline void seedMef(store::Store& store, const store::KeyEncryptionKey& kek) {
  store::EnrolmentPolicy enrolee;
  enrolee.directKeys = {{kTarget, "SAEF"}, {kTarget, "ESData"}};
  enrolee.certificate.emplace();
  enrolee.certificate->subjectType = "cse";
  enrolee.certificate->usages = {"SAEF"};
  enrolee.registrarCseId = kTarget;
  admin::addEnrolee(store, {kEnrolee, "ae1-kpm", std::nullopt, enrolee});
  admin::addEnrolee(store, {kTarget, "cse1-kpm", std::nullopt, {}});
  admin::addTarget(store, kTarget, "CSE");
  procedures::createCertificateAuthority(store, kek, "", {"fuzz.example"}, {"fuzz.example"},
                                         std::chrono::hours(24 * 3650));
  procedures::EnrolmentExchange exchange(store, {kMefFqdn});
  exchange.run(peerOf("psk", kEnrolee), {});
  exchange.run(peerOf("psk", kTarget), {});
}

// `text` with the placeholders KEID and KREID replaced by the current KeId of ae1 and KreId of cse1,
// which are random: the fuzzer could not guess them.
inline std::string withIdentifiers(std::string text, store::Store& store) {
  auto replace = [&](std::string_view placeholder, const std::string& value) {
    for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size()))
      text.replace(at, placeholder.size(), value);
  };
  if (auto key = store.findEnrolmentKeyOf(kEnrolee)) replace("KEID", key->relativeKeId + "@" + kMefFqdn);
  if (auto key = store.findEnrolmentKeyOf(kTarget)) replace("KREID", key->kreId);
  return text;
}

}  // namespace rspf::fuzz
