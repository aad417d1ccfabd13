#pragma once
// The Enrolment Target as an Enrolee of the MEF (seed 8.3.3.6 pre-conditions: its own KreId/Kre for
// Key Retrieval): the Enrolee library behind target::OwnEnrolmentSource. The enrolment is kept in
// [mef] credentials (enrolee/enrolee_credentials.hpp) and reused while valid for at least a minute,
// else done afresh with the target's KpmId/Kpm (seed 8.3.2.1, 8.3.3.1); re-keying (issue 10 item 1)
// re-authenticates with its KreId/Kre while they are valid (seed 8.3.3.2), else bootstraps with the
// Kpm again.
#include "enrolee/enrolee_credentials.hpp"
#include "target/own_enrolment_source.hpp"
#include "target/target_config.hpp"

namespace rspf::as_enrolee {

class TargetEnrolment : public target::OwnEnrolmentSource {
 public:
  explicit TargetEnrolment(target::TargetConfig config) : config_(std::move(config)) {}
  target::OwnEnrolment obtain() override;
  target::OwnEnrolment renew(const target::OwnEnrolment& current) override;

 private:
  target::TargetConfig config_;
};

// What Key Retrieval needs of an Enrolee's credentials.
target::OwnEnrolment ownEnrolmentOf(const enrolee::EnroleeCredentials& credentials);

}  // namespace rspf::as_enrolee
