#pragma once
// Enrolment approval (seed 8.3.3.1 step 3: the MEF may deny the request): for an Enrolee whose
// policy requires it, an external approver decides each Enrolment Exchange before the Enrolment Key
// is stored. Binding-neutral; the MEF's approver is a webhook (mef/approval_webhook.hpp).
#include <string>

namespace rspf::procedures {

// What the approver learns: the Enrolee's identity and its token's auxiliary information (never
// the token's value or any key).
struct EnrolmentApprovalRequest {
  std::string enroleeId;
  std::string framework;  // the bootstrap framework that authenticated it
  std::string remoteAddress;
  std::string tokenId;  // empty when no token was presented
  std::string tokenAuxInfo;
};

struct EnrolmentApprovalVerdict {
  bool approved = false;
  std::string reason;  // why not: for the ErrorString and the log
};

class EnrolmentApprover {
 public:
  virtual ~EnrolmentApprover() = default;
  // Must answer within its own deadline; a timeout or an unreachable approver is a refusal.
  virtual EnrolmentApprovalVerdict decide(const EnrolmentApprovalRequest& request) = 0;
};

}  // namespace rspf::procedures
