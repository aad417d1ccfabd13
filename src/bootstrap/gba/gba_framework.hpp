#pragma once
// GBA-Based Remote Security Provisioning Framework, the MEF as NAF (seed 8.3.2.3 step 3; TS 33.222
// 5.4; TS 24.109 annex F): psk_identity "3GPP-bootstrapping.<B-TID>" (psk Ks_NAF / Ks_ext_NAF) or
// "3GPP-bootstrapping-uicc.<B-TID>" (psk Ks_int_NAF). The key is fetched from the BSF over Zn for
// NAF_Id = MEF-FQDN || Ua protocol id || the negotiated suite, kept no longer than the B-TID lives
// nor than `cacheLifetime`, and the subscriber's IMPI is mapped to its registered Enrolee.
#include <chrono>
#include <functional>
#include <map>
#include <mutex>

#include "bootstrap/framework.hpp"
#include "bootstrap/gba/zn_client.hpp"
#include "crypto/gba_key_derivation.hpp"

namespace rspf::bootstrap {

inline constexpr const char* kGbaFramework = "gba";
// A GBA subscriber (the MEF as NAF) may enrol, and enrol a certificate on that session.
inline constexpr tls::Grants kGbaGrants{tls::Grant::EnrolmentExchange, tls::Grant::CertificateEnrolment};

// IMPI -> Enrolee-ID of an enabled-or-not registered Enrolee; nullopt when none is registered.
using ImpiToEnrolee = std::function<std::optional<std::string>(std::string_view impi)>;

class GbaFramework final : public Framework, public tls::PskIdentityResolver {
 public:
  GbaFramework(std::string mefFqdn, ZnKeyFetch fetch, ImpiToEnrolee enroleeOf,
               std::chrono::seconds cacheLifetime = std::chrono::minutes(5));

  std::string_view name() const override { return kGbaFramework; }
  tls::Grants grants() const override { return kGbaGrants; }
  tls::PskIdentityResolver* pskIdentities() override { return this; }
  std::string_view pskIdentityHint() const override { return crypto::kGbaPskIdentityHint; }
  // Without the negotiated suite there is no NAF_Id: unknown.
  std::optional<tls::ResolvedPsk> resolve(std::string_view) override { return std::nullopt; }
  std::optional<tls::ResolvedPsk> resolveInHandshake(std::string_view pskIdentity,
                                                     const tls::HandshakeContext& context) override;

 private:
  std::optional<NafKeys> keysFor(const std::string& btid, const crypto::Bytes& nafId);

  std::string mefFqdn_;
  ZnKeyFetch fetch_;
  ImpiToEnrolee enroleeOf_;
  std::chrono::seconds cacheLifetime_;
  struct CachedKeys {
    NafKeys keys;
    TimePoint until{};
  };
  std::mutex mutex_;
  std::map<std::string, CachedKeys> cache_;  // by B-TID "|" hex(NAF_Id)
};

}  // namespace rspf::bootstrap
