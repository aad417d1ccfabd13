#include "mef/approval_webhook.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/strict_json.hpp"

namespace rspf::mef {
namespace {

constexpr std::size_t kMaxReasonLength = 200;

nlohmann::json nullIfEmpty(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

}  // namespace

ApprovalWebhook::ApprovalWebhook(const std::string& url, std::chrono::milliseconds timeout) : timeout_(timeout) {
  auto parsed = transport::parseHttpUrl(url);
  if (!parsed) throw Error(ErrorCode::Config, "approval.webhook must be an http://host[:port]/path URL");
  url_ = std::move(*parsed);
}

procedures::EnrolmentApprovalVerdict ApprovalWebhook::decide(const procedures::EnrolmentApprovalRequest& request) {
  transport::HttpRequest post;
  post.method = "POST";
  post.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  post.body = nlohmann::json{{"enroleeId", request.enroleeId},
                             {"framework", request.framework},
                             {"remoteAddress", request.remoteAddress},
                             {"tokenId", nullIfEmpty(request.tokenId)},
                             {"tokenAuxInfo", nullIfEmpty(request.tokenAuxInfo)}}
                  .dump();
  transport::HttpResponse answer;
  try {
    answer = transport::sendHttpRequest(url_, post, timeout_);
  } catch (const Error& e) {
    spdlog::warn("approval webhook for '{}': {}", request.enroleeId, e.what());
    return {false, "the approval webhook did not answer in time or could not be reached"};
  }
  return approvalVerdictOf(answer, request.enroleeId);
}

procedures::EnrolmentApprovalVerdict approvalVerdictOf(const transport::HttpResponse& answer,
                                                       const std::string& enroleeId) {
  if (answer.status != 200) {
    spdlog::warn("approval webhook for '{}' answered HTTP {}", enroleeId, answer.status);
    return {false, "the approval webhook answered HTTP " + std::to_string(answer.status)};
  }
  auto body = parseStrictJsonOrDiscarded(answer.body);
  if (body.is_discarded() || !body.is_object() || !body.contains("approved") || !body["approved"].is_boolean()) {
    spdlog::warn("approval webhook for '{}': the answer has no boolean 'approved'", enroleeId);
    return {false, "the approval webhook's answer was malformed"};
  }
  if (body["approved"].get<bool>()) return {true, ""};
  std::string reason = body.contains("reason") && body["reason"].is_string() ? body["reason"].get<std::string>() : "";
  if (reason.size() > kMaxReasonLength) reason.resize(kMaxReasonLength);
  return {false, reason.empty() ? "denied by the approval webhook" : "denied by the approval webhook: " + reason};
}

}  // namespace rspf::mef
