#include "cse_front/cse_front.hpp"

#include <spdlog/spdlog.h>

#include "common/time.hpp"
#include "crypto/identifiers.hpp"
#include "cse_front/header_policy.hpp"
#include "cse_front/onem2m_status.hpp"

namespace rspf::cse_front {
namespace {

std::vector<std::string> withAdmin(std::vector<std::string> denied, const std::optional<AppRuleSettings>& rule) {
  if (rule && !rule->adminOriginator.empty()) denied.push_back(rule->adminOriginator);
  return denied;
}

}  // namespace

CseFront::CseFront(FrontSettings settings, std::string frontId, KeyCheck keyCheck)
    : settings_(std::move(settings)),
      frontId_(std::move(frontId)),
      keyCheck_(std::move(keyCheck)),
      policy_(settings_.mapping, withAdmin(settings_.denyList, settings_.appRule)),
      pool_(settings_.upstream) {}

transport::HttpResponse CseFront::forward(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
  auto requestId = request.header("X-M2M-RI");
  if (peer.principal.empty())
    return onem2mError(403, rsc::kOriginatorNotAuthenticated, "the session is not an authenticated Enrolee's",
                       requestId);
  if (auto lifetime = peer.attributes.find("lifetime"); lifetime != peer.attributes.end()) {
    auto until = parseRfc3339(lifetime->second);
    if (!until || *until <= now())
      return onem2mError(403, rsc::kOriginatorNotAuthenticated,
                         "the Enrolee's key passed its Lifetime (" + lifetime->second + "); enrol again", requestId);
  }
  if (keyCheck_) {
    if (auto stale = keyCheck_(peer)) return onem2mError(403, rsc::kOriginatorNotAuthenticated, *stale, requestId);
  }
  // TS-0009 6.4.7: X-M2M-Origin is the From parameter; the MEF also takes From (PROTOCOL.md 4.3).
  bool claimed = false;
  for (const auto& [name, value] : request.headers) {
    if (!crypto::equalsIgnoreCase(name, "X-M2M-Origin") && !crypto::equalsIgnoreCase(name, "From")) continue;
    claimed = true;
    if (auto refusal = policy_.refusal(peer.principal, value)) {
      spdlog::info("front refused {} {} of '{}': {}", request.method, request.target.substr(0, 200), peer.principal,
                   *refusal);
      return onem2mError(403, rsc::kOriginatorHasNoPrivilege, *refusal, requestId);
    }
  }
  if (!claimed) {
    if (auto refusal = policy_.refusal(peer.principal, std::nullopt)) {
      spdlog::info("front refused {} {} of '{}': {}", request.method, request.target.substr(0, 200), peer.principal,
                   *refusal);
      return onem2mError(403, rsc::kOriginatorHasNoPrivilege, *refusal, requestId);
    }
  }
  if (request.target.empty() || request.target.front() != '/')
    return onem2mError(400, rsc::kBadRequest, "the request target must be a path (origin-form)", requestId);
  if (request.body.size() > settings_.maxBodyBytes)
    return onem2mError(413, rsc::kBadRequest,
                       "request body exceeds " + std::to_string(settings_.maxBodyBytes) + " bytes", requestId);

  transport::HttpRequest upstream;
  upstream.method = request.method;
  upstream.target = request.target;
  upstream.headers = upstreamRequestHeaders(
      request, ForwardingContext{policy_.originatorOf(peer.principal), peer.remoteAddress, frontId_, "https"});
  upstream.body = request.body;

  transport::HttpResponse answer;
  try {
    answer = pool_.send(upstream);
  } catch (const UpstreamError& e) {
    spdlog::warn("front: {} {} of '{}' got no answer from the CSE: {}", request.method, request.target.substr(0, 200),
                 peer.principal, e.what());
    switch (e.kind()) {
      case UpstreamError::Kind::Timeout: return onem2mError(504, rsc::kRequestTimeout, e.what(), requestId);
      case UpstreamError::Kind::Unreachable: return onem2mError(502, rsc::kTargetNotReachable, e.what(), requestId);
      case UpstreamError::Kind::TooLarge:
      case UpstreamError::Kind::Malformed: return onem2mError(502, rsc::kInternalServerError, e.what(), requestId);
    }
  }
  transport::HttpResponse response;
  response.status = answer.status;
  response.contentType = answer.contentType.empty() ? "application/json" : answer.contentType;
  response.headers = downstreamResponseHeaders(answer.headers);
  response.body = std::move(answer.body);
  return response;
}

}  // namespace rspf::cse_front
