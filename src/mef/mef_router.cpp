#include "mef/mef_router.hpp"

#include <array>

#include "common/error.hpp"
#include "common/safe_text.hpp"
#include "procedures/certificate_revocation.hpp"
#include "procedures/session_bound.hpp"
#include "transport/path_template.hpp"
#include "transport/secret_response.hpp"

namespace rspf::mef {
namespace {

using transport::ContentFormat;
using transport::Method;

transport::Response ok(const nlohmann::json& body) { return transport::jsonResponse(safeJsonDump(body)); }

std::string_view outcomeOfResult(const nlohmann::json&) { return "success"; }
std::string_view outcomeOfResult(const procedures::EstResponse& r) {
  return r.answer.status == transport::Status::Pending ? "pending" : "success";
}

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

// RFC 7030 4.2.1: the CSR is application/pkcs10 (a request that states no type is read as one).
void requirePkcs10(const transport::Request& request, std::string_view operation) {
  if (request.contentFormat && *request.contentFormat != ContentFormat::Pkcs10)
    throw Error(ErrorCode::BadRequest, std::string(operation) + " takes Content-Type application/pkcs10");
}

}  // namespace

std::string MefRouter::Call::capture(const std::string& name) const {
  auto it = captures.find(name);
  return it == captures.end() ? "" : it->second;
}

std::span<const MefRouter::Entry> MefRouter::table() {
  // EST (RFC 7030 3.2.2): /.well-known/est[/<label>]/<operation>; EST-coaps (RFC 9148 3.2) names
  // the same operations crts, att, sen and sren, announced at /.well-known/core (RFC 6690).
  static const std::array<Entry, 22> kTable = {{
      {{Method::Post, "/enrolment/exchange"}, &MefRouter::enrolmentExchange, "enrolment_exchange", Subject::Peer},
      {{Method::Post, "/enrolment/exchange/complete"},
       &MefRouter::exchangeComplete,
       "enrolment_complete",
       Subject::Peer},
      {{Method::Get, "/fetchCredentials/{keyId}"}, &MefRouter::keyRetrieval, "key_retrieval", Subject::KeyIdentifier},
      {{Method::Get, "/fetchCredentials/{keyId}/{suid}"},
       &MefRouter::keyRetrieval,
       "key_retrieval",
       Subject::KeyIdentifier},
      // The embedded CA's CRL, for relying parties that refresh it (issue 10 item 6; project choice).
      {{Method::Get, "/crl"}, &MefRouter::crl, "", Subject::Peer},
      {{Method::Get, "/.well-known/est/cacerts"}, &MefRouter::cacerts, "", Subject::Peer},
      {{Method::Get, "/.well-known/est/csrattrs"}, &MefRouter::csrattrs, "", Subject::Peer},
      {{Method::Post, "/.well-known/est/simpleenroll"},
       &MefRouter::simpleEnroll,
       "certificate_simpleenroll",
       Subject::Peer},
      {{Method::Post, "/.well-known/est/simplereenroll"},
       &MefRouter::simpleReenroll,
       "certificate_simplereenroll",
       Subject::Peer},
      {{Method::Get, "/.well-known/est/{label}/cacerts"}, &MefRouter::cacerts, "", Subject::Peer},
      {{Method::Get, "/.well-known/est/{label}/csrattrs"}, &MefRouter::csrattrs, "", Subject::Peer},
      {{Method::Post, "/.well-known/est/{label}/simpleenroll"},
       &MefRouter::simpleEnroll,
       "certificate_simpleenroll",
       Subject::Peer},
      {{Method::Post, "/.well-known/est/{label}/simplereenroll"},
       &MefRouter::simpleReenroll,
       "certificate_simplereenroll",
       Subject::Peer},
      {{Method::Get, "/.well-known/core"}, &MefRouter::discovery, "", Subject::Peer},
      {{Method::Get, "/.well-known/est/crts"}, &MefRouter::cacerts, "", Subject::Peer},
      {{Method::Get, "/.well-known/est/att"}, &MefRouter::csrattrs, "", Subject::Peer},
      {{Method::Post, "/.well-known/est/sen"}, &MefRouter::simpleEnroll, "certificate_simpleenroll", Subject::Peer},
      {{Method::Post, "/.well-known/est/sren"},
       &MefRouter::simpleReenroll,
       "certificate_simplereenroll",
       Subject::Peer},
      {{Method::Get, "/.well-known/est/{label}/crts"}, &MefRouter::cacerts, "", Subject::Peer},
      {{Method::Get, "/.well-known/est/{label}/att"}, &MefRouter::csrattrs, "", Subject::Peer},
      {{Method::Post, "/.well-known/est/{label}/sen"},
       &MefRouter::simpleEnroll,
       "certificate_simpleenroll",
       Subject::Peer},
      {{Method::Post, "/.well-known/est/{label}/sren"},
       &MefRouter::simpleReenroll,
       "certificate_simplereenroll",
       Subject::Peer},
  }};
  return kTable;
}

std::vector<MefRoute> MefRouter::routes() {
  std::vector<MefRoute> out;
  for (const auto& entry : table()) out.push_back(entry.route);
  return out;
}

bool MefRouter::callsExporter(transport::Method method, std::string_view target) {
  if (method != transport::Method::Post) return false;
  try {
    return transport::matchPathTemplate("/enrolment/exchange", transport::pathSegments(target)).has_value();
  } catch (const Error&) {
    return false;  // a malformed path: handle() refuses it
  }
}

transport::Response MefRouter::handle(const tls::AuthenticatedPeer& peer, const transport::Request& request) {
  auto segments = transport::pathSegments(request.target);
  const Entry* wrongMethod = nullptr;
  std::string wrongMethodSubject;
  for (const auto& entry : table()) {
    std::optional<std::map<std::string, std::string>> captures;
    try {
      captures = transport::matchPathTemplate(entry.route.path, segments);
    } catch (const Error& e) {
      if (audit_)
        audit_->record(procedures::actorOf(peer), "request", request.target.substr(0, 128),
                       std::string(procedures::outcomeOf(e.code())), e.what());
      throw;
    }
    if (!captures) continue;
    Call call{peer, request, std::move(*captures)};
    const std::string subject =
        entry.subject == Subject::KeyIdentifier ? call.capture("keyId").substr(0, 128) : peer.principal;
    if (entry.route.method != request.method) {
      wrongMethod = &entry;
      wrongMethodSubject = subject;
      continue;
    }
    try {
      // Issue 10 item 2: every request on a session first checks that what opened it still holds;
      // the exchange and Key Retrieval check inside their procedures (observed), so that a refusal
      // is counted as theirs.
      if (entry.handler != &MefRouter::enrolmentExchange && entry.handler != &MefRouter::keyRetrieval)
        procedures::requireCurrentSession(store_, peer);
      auto response = (this->*entry.handler)(call);
      if (audit_ && !entry.auditAction.empty())
        audit_->record(procedures::actorOf(peer), std::string(entry.auditAction), subject,
                       response.status == transport::Status::Pending ? "pending" : "success",
                       call.issuedSerial.empty() ? "" : "certificate " + call.issuedSerial + " issued");
      return response;
    } catch (const Error& e) {
      if (audit_)
        audit_->record(procedures::actorOf(peer),
                       entry.auditAction.empty() ? "request" : std::string(entry.auditAction), subject,
                       std::string(procedures::outcomeOf(e.code())), e.what());
      throw;
    }
  }
  Error refusal = wrongMethod != nullptr
                      ? Error(ErrorCode::BadRequest, safeErrorText(request.target, 200) + " takes " +
                                                         std::string(transport::methodName(wrongMethod->route.method)))
                      : Error(ErrorCode::NotFound, "no resource at " + safeErrorText(request.target, 200));
  if (audit_) {
    std::string action = wrongMethod ? std::string(wrongMethod->auditAction) : "";
    audit_->record(procedures::actorOf(peer), action.empty() ? "request" : action,
                   wrongMethod ? wrongMethodSubject : request.target.substr(0, 128),
                   std::string(procedures::outcomeOf(refusal.code())), refusal.what());
  }
  throw refusal;
}

transport::Response MefRouter::enrolmentExchange(Call& call) {
  return ok(observed(observer_, procedures::Procedure::EnrolmentExchange, [&] {
    auto request = procedures::EnrolmentExchangeRequest::parse(call.request.body);
    request.scheme = call.request.scheme;
    return exchange_.run(call.peer, request);
  }));
}

transport::Response MefRouter::exchangeComplete(Call& call) {
  return ok(exchange_.complete(call.peer, call.request.body));
}

transport::Response MefRouter::keyRetrieval(Call& call) {
  procedures::KeyRetrievalRequest retrieval;
  retrieval.keyIdentifier = call.capture("keyId");
  if (call.captures.count("suid")) retrieval.suid = call.capture("suid");
  retrieval.requesterId = call.request.originator;
  return transport::secretJsonResponse(
      observed(observer_, procedures::Procedure::KeyRetrieval,
               [&] {
                 auto reads = store_.readTogether();  // the session's and the key's checks see one store
                 return keyRetrieval_.run(call.peer, retrieval);
               }),
      "Credential");
}

// RFC 9148 4.1: the EST-coaps resources and their Content-Formats, in link format (RFC 6690).
transport::Response MefRouter::discovery(Call&) {
  transport::Response r;
  r.contentFormat = ContentFormat::LinkFormat;
  r.body = R"(</.well-known/est/crts>;rt="ace.est.crts";ct=281,)"
           R"(</.well-known/est/att>;rt="ace.est.att";ct=285,)"
           R"(</.well-known/est/sen>;rt="ace.est.sen";ct="281 286",)"
           R"(</.well-known/est/sren>;rt="ace.est.sren";ct="281 286")";
  return r;
}

// DER, application/pkix-crl (RFC 5280), nextUpdate a day ahead.
transport::Response MefRouter::crl(Call&) {
  auto der = procedures::certificateRevocationList(store_, kek_, "", std::chrono::hours(24));
  transport::Response r;
  r.contentFormat = ContentFormat::PkixCrl;
  r.body.assign(der.begin(), der.end());
  return r;
}

transport::Response MefRouter::cacerts(Call& call) { return est_.cacerts(call.capture("label")).answer; }

transport::Response MefRouter::csrattrs(Call& call) { return est_.csrattrs(call.peer, call.capture("label")).answer; }

transport::Response MefRouter::simpleEnroll(Call& call) {
  requirePkcs10(call.request, "simpleenroll");
  auto est = observed(observer_, procedures::Procedure::CertificateEnrolment, [&] {
    return est_.simpleEnroll(call.peer, call.capture("label"), call.request.body, call.request.transferEncoding);
  });
  call.issuedSerial = est.issuedSerial;
  return std::move(est.answer);
}

transport::Response MefRouter::simpleReenroll(Call& call) {
  requirePkcs10(call.request, "simplereenroll");
  auto est = observed(observer_, procedures::Procedure::CertificateEnrolment, [&] {
    return est_.simpleReenroll(call.peer, call.capture("label"), call.request.body, call.request.transferEncoding);
  });
  call.issuedSerial = est.issuedSerial;
  return std::move(est.answer);
}

}  // namespace rspf::mef
