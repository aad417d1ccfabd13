#include "mef/mef_router.hpp"

#include "common/error.hpp"
#include "common/safe_text.hpp"
#include "procedures/certificate_revocation.hpp"
#include "procedures/session_bound.hpp"

namespace rspf::mef {
namespace {

transport::HttpResponse ok(const nlohmann::json& body) {
  transport::HttpResponse r;
  r.body = safeJsonDump(body);
  return r;
}

std::string_view outcomeOfResult(const nlohmann::json&) { return "success"; }
std::string_view outcomeOfResult(const procedures::EstResponse& r) { return r.status == 202 ? "pending" : "success"; }

// Runs one procedure and reports its outcome (success, or the refusal's error code) to `observer`.
template <typename Run>
auto observed(procedures::ProcedureObserver* observer, procedures::Procedure procedure, Run&& run) {
  try {
    auto result = run();
    if (observer) observer->outcome(procedure, outcomeOfResult(result));
    return result;
  } catch (const Error& e) {
    if (observer) observer->outcome(procedure, procedures::outcomeOf(e.code()));
    throw;
  } catch (...) {
    if (observer) observer->outcome(procedure, "error");
    throw;
  }
}

}  // namespace

transport::HttpResponse toHttpResponse(procedures::EstResponse est) {
  transport::HttpResponse r;
  r.status = est.status;
  r.contentType = est.contentType;
  if (est.status == 202) r.headers.emplace_back("Retry-After", std::to_string(est.retryAfter.count()));
  if (est.status == 200) r.headers.emplace_back("Content-Transfer-Encoding", "base64");
  r.body = std::move(est.body);
  return r;
}

using transport::pathSegments;
using transport::requireMethod;

namespace {

// The audit log's name for a request, and what it concerns; "" for a read (not recorded on success).
struct AuditedRequest {
  std::string action;
  std::string subject;
};

AuditedRequest auditedRequest(const tls::AuthenticatedPeer& peer, const std::vector<std::string>& segments) {
  if (segments.size() == 2 && segments[0] == "enrolment") return {"enrolment_exchange", peer.principal};
  if (segments.size() == 3 && segments[0] == "enrolment") return {"enrolment_complete", peer.principal};
  if (!segments.empty() && segments[0] == "fetchCredentials")
    return {"key_retrieval", segments.size() > 1 ? segments[1].substr(0, 128) : ""};
  if (segments.size() >= 3 && segments[0] == ".well-known" && segments[1] == "est") {
    const auto& op = segments.back();
    if (op == "simpleenroll" || op == "simplereenroll") return {"certificate_" + op, peer.principal};
    return {"", peer.principal};
  }
  return {"", ""};
}

}  // namespace

transport::HttpResponse MefRouter::handle(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
  auto segments = pathSegments(request.target);
  auto audited = auditedRequest(peer, segments);
  std::string issuedSerial;
  try {
    auto response = dispatch(peer, request, segments, issuedSerial);
    if (audit_ && !audited.action.empty())
      audit_->record(procedures::actorOf(peer), audited.action, audited.subject,
                     response.status == 202 ? "pending" : "success",
                     issuedSerial.empty() ? "" : "certificate " + issuedSerial + " issued");
    return response;
  } catch (const Error& e) {
    if (audit_)
      audit_->record(procedures::actorOf(peer), audited.action.empty() ? "request" : audited.action,
                     audited.subject.empty() ? request.target.substr(0, 128) : audited.subject,
                     std::string(procedures::outcomeOf(e.code())), e.what());
    throw;
  }
}

transport::HttpResponse MefRouter::dispatch(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request,
                                            const std::vector<std::string>& segments, std::string& issuedSerial) {
  // Issue 10 item 2: every request on a session first checks that what opened it still holds; inside
  // the observed procedures, so that a refusal is counted as theirs.
  const bool isExchange = segments.size() == 2 && segments[0] == "enrolment" && segments[1] == "exchange";
  const bool isRetrieval = (segments.size() == 2 || segments.size() == 3) && segments[0] == "fetchCredentials";
  if (!isExchange && !isRetrieval) procedures::requireCurrentSession(store_, peer);
  if (isExchange) {
    requireMethod(request, "POST");
    return ok(observed(observer_, procedures::Procedure::EnrolmentExchange, [&] {
      procedures::requireCurrentSession(store_, peer);
      return exchange_.run(peer, procedures::EnrolmentExchangeRequest::parse(request.body));
    }));
  }
  if (segments.size() == 3 && segments[0] == "enrolment" && segments[1] == "exchange" && segments[2] == "complete") {
    requireMethod(request, "POST");
    return ok(exchange_.complete(peer, request.body));
  }
  if (isRetrieval) {
    requireMethod(request, "GET");
    procedures::KeyRetrievalRequest retrieval;
    retrieval.keyIdentifier = segments[1];
    if (segments.size() == 3) retrieval.suid = segments[2];
    retrieval.requesterId = request.header("X-M2M-Origin").value_or(request.header("From").value_or(""));
    return ok(observed(observer_, procedures::Procedure::KeyRetrieval, [&] {
      procedures::requireCurrentSession(store_, peer);
      return keyRetrieval_.run(peer, retrieval);
    }));
  }
  // The embedded CA's CRL, for relying parties that refresh it (issue 10 item 6; project choice):
  // GET /crl, DER, application/pkix-crl (RFC 5280), nextUpdate a day ahead.
  if (segments.size() == 1 && segments[0] == "crl") {
    requireMethod(request, "GET");
    auto der = procedures::certificateRevocationList(store_, kek_, "", std::chrono::hours(24));
    transport::HttpResponse r;
    r.contentType = "application/pkix-crl";
    r.body.assign(der.begin(), der.end());
    return r;
  }
  // EST (RFC 7030 3.2.2): /.well-known/est[/<label>]/<operation>
  if ((segments.size() == 3 || segments.size() == 4) && segments[0] == ".well-known" && segments[1] == "est") {
    std::string label = segments.size() == 4 ? segments[2] : "";
    const std::string& operation = segments.back();
    procedures::EstResponse est;
    if (operation == "cacerts") {
      requireMethod(request, "GET");
      est = est_.cacerts(label);
    } else if (operation == "csrattrs") {
      requireMethod(request, "GET");
      est = est_.csrattrs(peer, label);
    } else if (operation == "simpleenroll") {
      requireMethod(request, "POST");
      auto type = request.header("Content-Type");
      if (type && type->rfind("application/pkcs10", 0) != 0)
        throw Error(ErrorCode::BadRequest, "simpleenroll takes Content-Type application/pkcs10");
      est = observed(observer_, procedures::Procedure::CertificateEnrolment,
                     [&] { return est_.simpleEnroll(peer, label, request.body); });
    } else if (operation == "simplereenroll") {
      requireMethod(request, "POST");
      auto type = request.header("Content-Type");
      if (type && type->rfind("application/pkcs10", 0) != 0)
        throw Error(ErrorCode::BadRequest, "simplereenroll takes Content-Type application/pkcs10");
      est = observed(observer_, procedures::Procedure::CertificateEnrolment,
                     [&] { return est_.simpleReenroll(peer, label, request.body); });
    } else {
      throw Error(ErrorCode::NotFound, "no EST operation '" + operation.substr(0, 64) + "'");
    }
    issuedSerial = est.issuedSerial;
    return toHttpResponse(std::move(est));
  }
  throw Error(ErrorCode::NotFound, "no resource at " + safeErrorText(request.target, 200));
}

}  // namespace rspf::mef
