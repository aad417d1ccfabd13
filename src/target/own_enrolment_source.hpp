#pragma once
// Where an Enrolment Target's own enrolment with the MEF comes from (seed 8.3.3.6 pre-conditions),
// and how it is re-keyed (issue 10 item 1). The target fetches keys with it and renews it in time;
// enrolling, keeping the credential file and the fallbacks belong to the implementation, which the
// composition root gives it (as_enrolee/target_enrolment.hpp: the target as an Enrolee of the MEF).
#include "target/own_enrolment.hpp"

namespace rspf::target {

class OwnEnrolmentSource {
 public:
  virtual ~OwnEnrolmentSource() = default;
  // The enrolment to start with: a kept one still valid, else a fresh one. Throws Error.
  virtual OwnEnrolment obtain() = 0;
  // A new enrolment in place of `current`, kept as obtain() keeps one. Throws Error; the target
  // keeps fetching with `current` then.
  virtual OwnEnrolment renew(const OwnEnrolment& current) = 0;
};

}  // namespace rspf::target
