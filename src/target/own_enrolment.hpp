#pragma once
// The target's own enrolment with the MEF, as MEF Key Retrieval needs it (seed 8.3.3.6
// pre-conditions: the Enrolment Target has enrolled with the MEF and holds a KreId/Kre): the
// re-authentication credential it opens its sessions with, where the MEF is, and its validity.
// How it was obtained and where it is kept is the composition root's (target::OwnEnrolmentSource).
#include <string>

#include "common/time.hpp"
#include "crypto/secret_bytes.hpp"

namespace rspf::target {

struct OwnEnrolment {
  std::string mefUrl;   // https://host:port or coaps://host:port
  std::string mefFqdn;  // sent as SNI
  std::string kreId;    // the PSK identity of Key Retrieval (seed 8.3.3.2)
  crypto::SecretBytes kre;
  TimePoint enrolledAt{};  // when its Enrolment Exchange ran: the lifetime is expiry - enrolledAt
  TimePoint expiry{};      // no key can be fetched with it after this
};

}  // namespace rspf::target
