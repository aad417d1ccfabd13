#pragma once
#include <chrono>
#include <string>

#include "crypto/provisioned_keys.hpp"
#include "procedures/enrolment_approval.hpp"
#include "procedures/procedure_observer.hpp"

namespace rspf::procedures {

class AuditTrail;
class InstructedSteps;

// What the MEF's procedures need to know about the MEF itself.
struct MefSettings {
  std::string fqdn;  // MEF-FQDN, the suffix of every KeId / KreId it generates
  crypto::KeyProfile keyProfile = crypto::KeyProfile::Current;
  ProcedureObserver* observer = nullptr;  // metrics; not owned, may be null
  EnrolmentApprover* approver = nullptr;  // for policies requiring approval; not owned, may be null
  AuditTrail* audit = nullptr;            // the audit log; not owned, may be null
  // How long a replaced Enrolment Key (and every key derived from it) is still served after an
  // Enrolment Exchange rotated it (issue 5 item 3). 0: not at all.
  std::chrono::seconds rekeyGrace{300};
  // After /simplereenroll the superseded certificate is revoked this long after (issue 10 item 6).
  std::chrono::seconds supersededGrace{3600};
  // Where the exchange records what it instructed (EST only when instructed); not owned, may be null.
  InstructedSteps* instructed = nullptr;
};

}  // namespace rspf::procedures
