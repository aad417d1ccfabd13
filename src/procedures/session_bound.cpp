#include "procedures/session_bound.hpp"

#include "common/error.hpp"

namespace rspf::procedures {

std::optional<store::EnroleeStatus> requireCurrentSession(store::Store& store, const tls::AuthenticatedPeer& peer) {
  if (peer.principal.empty()) return std::nullopt;
  if (auto relativeKeId = peer.attributes.find(tls::kRelativeKeIdAttribute); relativeKeId != peer.attributes.end()) {
    // A session resting on an Enrolment Key (KreId/Kre), by its Relative-KeId: a key this session's
    // own rekey retired is still found, served until its retired expiry (the rekey grace), so the
    // session can finish what it started (CRL, certificate).
    auto expiry = store.findEnrolmentKeyExpiry(relativeKeId->second);
    if (!expiry || *expiry <= now())
      throw Error(ErrorCode::Unauthorized,
                  "the KreId this session was opened with has expired: open a new session with the current one");
  }
  auto enrolee = store.findEnroleeStatus(peer.principal);
  if (enrolee && !enrolee->enabled)
    throw Error(ErrorCode::Forbidden, "Enrolee '" + peer.principal + "' is disabled: this session ends");
  if (!enrolee && !store.findTarget(peer.principal))
    throw Error(ErrorCode::Forbidden, "'" + peer.principal + "' is no longer registered: this session ends");
  return enrolee;
}

}  // namespace rspf::procedures
