#pragma once
// Certificate requests held for an administrator (RFC 7030 4.2.3: 202 + Retry-After until then),
// by the MEF's registration authority (per policy) and by `rspf ca serve` (hold_for_approval).
// `rspf admin ca pending` lists them, `rspf admin ca approve ID` approves.
#include <string>

#include "ca/certificate_request.hpp"
#include "store/store.hpp"

namespace rspf::procedures {

// True when an administrator approved `holderId`'s request for this CSR's key: the approval is then
// used up. Otherwise the request is held (replacing one for another key) and false is returned.
bool approvedOrHeld(store::Store& store, const std::string& holderId, const std::string& label,
                    const ca::CertificateRequest& request);

}  // namespace rspf::procedures
