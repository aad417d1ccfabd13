#include "mef/mef_router.hpp"

#include "common/error.hpp"

namespace rspf::mef {
namespace {

transport::HttpResponse ok(const nlohmann::json& body) {
  transport::HttpResponse r;
  r.body = body.dump();
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

transport::HttpResponse MefRouter::handle(const tls::AuthenticatedPeer& peer, const transport::HttpRequest& request) {
  auto segments = pathSegments(request.target);
  if (segments.size() == 2 && segments[0] == "enrolment" && segments[1] == "exchange") {
    requireMethod(request, "POST");
    return ok(observed(observer_, procedures::Procedure::EnrolmentExchange,
                       [&] { return exchange_.run(peer, procedures::EnrolmentExchangeRequest::parse(request.body)); }));
  }
  if (segments.size() == 3 && segments[0] == "enrolment" && segments[1] == "exchange" && segments[2] == "complete") {
    requireMethod(request, "POST");
    return ok(exchange_.complete(peer, request.body));
  }
  if ((segments.size() == 2 || segments.size() == 3) && segments[0] == "fetchCredentials") {
    requireMethod(request, "GET");
    procedures::KeyRetrievalRequest retrieval;
    retrieval.keyIdentifier = segments[1];
    if (segments.size() == 3) retrieval.suid = segments[2];
    retrieval.requesterId = request.header("X-M2M-Origin").value_or(request.header("From").value_or(""));
    return ok(
        observed(observer_, procedures::Procedure::KeyRetrieval, [&] { return keyRetrieval_.run(peer, retrieval); }));
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
    return toHttpResponse(std::move(est));
  }
  throw Error(ErrorCode::NotFound, "no resource at " + request.target.substr(0, 200));
}

}  // namespace rspf::mef
