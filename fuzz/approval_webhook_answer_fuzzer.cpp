// The approval webhook's answer (mef/approval_webhook, approvalVerdictOf) as the MEF reads it, and the
// refusal the Enrolee then gets with the webhook's reason (enrolment_exchange.cpp): the first byte
// picks the HTTP status, the rest is the body.
#include "fuzz_support.hpp"
#include "mef/approval_webhook.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  if (size < 1) return 0;
  static constexpr int kStatuses[] = {200, 200, 500, 403};
  transport::HttpResponse answer;
  answer.status = kStatuses[data[0] % 4];
  answer.body = std::string(fuzz::textOf(data + 1, size - 1));
  auto verdict = mef::approvalVerdictOf(answer, "ae1.fuzz.example");
  if (verdict.approved && !verdict.reason.empty()) std::abort();
  if (!verdict.approved)
    fuzz::answer(
        Error(ErrorCode::Forbidden, "the enrolment of 'ae1.fuzz.example' was not approved: " + verdict.reason));
  return 0;
}
