#pragma once
#include <string>

#include "crypto/provisioned_keys.hpp"
#include "procedures/enrolment_approval.hpp"
#include "procedures/procedure_observer.hpp"

namespace rspf::procedures {

// What the MEF's procedures need to know about the MEF itself.
struct MefSettings {
  std::string fqdn;  // MEF-FQDN, the suffix of every KeId / KreId it generates
  crypto::KeyProfile keyProfile = crypto::KeyProfile::Current;
  ProcedureObserver* observer = nullptr;  // metrics; not owned, may be null
  EnrolmentApprover* approver = nullptr;  // for policies requiring approval; not owned, may be null
};

}  // namespace rspf::procedures
