#pragma once
// What a MAF may do for the Enrolee on the other end (seed 8.3.3.4 step 1: "the communication
// security types (SAEF, ESPrim, ESData Protection Options) for which the MAF may be used"): the
// usages the MEF answered with the Km, or those the Enrolee's certificate carries. Any other use is
// refused.
#include <string>
#include <string_view>
#include <vector>

#include "tls/authenticated_peer.hpp"

namespace rspf::maf {

std::vector<std::string> servedUsages(const tls::AuthenticatedPeer& peer);

// Throws Error(BadRequest) for a name that is not a MAF usage, Error(Forbidden) for a usage this
// Enrolee may not use the MAF for.
void requireServedUsage(const tls::AuthenticatedPeer& peer, std::string_view usage);

}  // namespace rspf::maf
