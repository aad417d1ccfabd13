#pragma once
// Re-authentication of an enrolled entity by its Enrolment Re-Authentication Key (seed 8.3.3.2):
// psk_identity = KreId, psk = Kre. Used by Enrolment Targets for MEF Key Retrieval (8.3.3.6).
#include <string>

#include "store/store.hpp"
#include "tls/psk_identity_resolver.hpp"

namespace rspf::bootstrap {

inline constexpr const char* kReAuthenticationFramework = "reauth";

class ReAuthenticationFramework : public tls::PskIdentityResolver {
 public:
  ReAuthenticationFramework(store::Store& store, std::string mefFqdn) : store_(store), mefFqdn_(std::move(mefFqdn)) {}
  std::optional<tls::ResolvedPsk> resolve(std::string_view kreId) override;

 private:
  store::Store& store_;
  std::string mefFqdn_;
};

}  // namespace rspf::bootstrap
