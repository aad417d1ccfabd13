#pragma once
// Sessions bounded by their credential at the MEF (issue 10 item 2): a session stays usable only
// while what authenticated it does. Checked before every request on a session, so a session held
// open across an administrator's `enrolee disable` (or across the expiry of the KreId it was opened
// with) gets no further answer.
#include "store/store.hpp"
#include "tls/authenticated_peer.hpp"

namespace rspf::procedures {

// Throws Error(Forbidden) when the peer is a registered Enrolee that is now disabled or removed,
// Error(Unauthorized) when its session was opened with a KreId whose Enrolment Key has expired
// (its re-key grace included). Peers that are not Enrolees (a MAF by certificate) pass. Returns the
// peer's Enrolee as read for the check (nullopt for a peer that is not one), so that a procedure
// need not read it again.
std::optional<store::EnroleeStatus> requireCurrentSession(store::Store& store, const tls::AuthenticatedPeer& peer);

}  // namespace rspf::procedures
