#pragma once
// The MAF handshake by TLS-PSK (seed 8.3.3.4 steps 5-6): psk_identity is the Enrolee's KeId (first
// time), the derived key identifier, or the KmId this MAF assigned. KeId and derived key identifier
// go through the Enrolment Target machinery (Km fetched from the MEF with SUID 21, cached until its
// Lifetime, erased and refused after it); a KmId is first translated to the KeId it stands for.
#include <string>

#include "maf/master_credential_identifiers.hpp"
#include "target/enrolment_target_framework.hpp"

namespace rspf::maf {

inline constexpr const char* kMafKeyFramework = "maf-km";
inline constexpr const char* kKmIdAttribute = "kmId";

class MafKeyFramework : public tls::PskIdentityResolver {
 public:
  MafKeyFramework(std::string mefFqdn, target::EnrolmentTargetFramework& keys, MasterCredentialIdentifiers& kmIds)
      : mefFqdn_(std::move(mefFqdn)), keys_(keys), kmIds_(kmIds) {}

  std::optional<tls::ResolvedPsk> resolve(std::string_view pskIdentity) override;
  // The Km fetch off the network thread (EnrolmentTargetFramework::prepare), a KmId translated first.
  bool prepare(std::string_view pskIdentity, std::function<void()> ready) override;

 private:
  // The KeId a psk_identity stands for (a KmId translated); nullopt for an unknown KmId.
  std::optional<std::string> keyIdentityOf(std::string_view pskIdentity) const;

  std::string mefFqdn_;
  target::EnrolmentTargetFramework& keys_;
  MasterCredentialIdentifiers& kmIds_;
};

}  // namespace rspf::maf
