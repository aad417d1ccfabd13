#pragma once
// The MEF's enrolment approver: POSTs the Enrolee's identity and its token's auxiliary information
// to a configured URL and waits at most the configured time (project choice, docs/protocol.md
// "Enrolment approval webhook"):
//   POST <url>  {"enroleeId": …, "framework": …, "remoteAddress": …, "tokenId": … | null, "tokenAuxInfo": … | null}
//   200 {"approved": true}                      approves
//   200 {"approved": false, "reason": "…"}      denies, with the reason in the Enrolee's ErrorString
// Anything else (another status, a malformed body, no answer in time, no connection) denies.
#include <chrono>
#include <string>

#include "procedures/enrolment_approval.hpp"
#include "transport/https/http_client.hpp"

namespace rspf::mef {

class ApprovalWebhook final : public procedures::EnrolmentApprover {
 public:
  // Throws Error(Config) for a URL that is not http://host[:port]/path.
  ApprovalWebhook(const std::string& url, std::chrono::milliseconds timeout);
  procedures::EnrolmentApprovalVerdict decide(const procedures::EnrolmentApprovalRequest& request) override;

 private:
  transport::Url url_;
  std::chrono::milliseconds timeout_;
};

// The verdict of the webhook's answer (rules above); `enroleeId` is for the log.
procedures::EnrolmentApprovalVerdict approvalVerdictOf(const transport::HttpResponse& answer,
                                                       const std::string& enroleeId);

}  // namespace rspf::mef
