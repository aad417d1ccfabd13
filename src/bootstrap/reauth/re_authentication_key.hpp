#pragma once
// Re-authentication of an enrolled entity by its Enrolment Re-Authentication Key (seed 8.3.3.2):
// psk_identity = KreId, psk = Kre. Used by Enrolment Targets for MEF Key Retrieval (8.3.3.6).
#include <string>

#include "bootstrap/framework.hpp"
#include "store/store.hpp"

namespace rspf::bootstrap {

inline constexpr const char* kReAuthenticationFramework = "reauth";
// An enrolled entity: re-keys, enrols a certificate, and retrieves keys as itself (8.3.3.6).
inline constexpr tls::Grants kReAuthenticationGrants{tls::Grant::EnrolmentExchange, tls::Grant::CertificateEnrolment,
                                                     tls::Grant::KeyRetrieval, tls::Grant::EnrolmentWithoutToken};

class ReAuthenticationFramework final : public Framework, public tls::PskIdentityResolver {
 public:
  ReAuthenticationFramework(store::Store& store, std::string mefFqdn) : store_(store), mefFqdn_(std::move(mefFqdn)) {}
  std::string_view name() const override { return kReAuthenticationFramework; }
  tls::Grants grants() const override { return kReAuthenticationGrants; }
  tls::PskIdentityResolver* pskIdentities() override { return this; }
  std::optional<tls::ResolvedPsk> resolve(std::string_view kreId) override;

 private:
  store::Store& store_;
  std::string mefFqdn_;
};

}  // namespace rspf::bootstrap
