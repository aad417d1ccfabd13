#include "admin_api/admin_router.hpp"

#include "procedures/audit_trail.hpp"
#include "procedures/procedure_observer.hpp"

#include <array>

#include "admin/administration.hpp"
#include "admin/bootstrap_instruction_configuration.hpp"
#include "admin/configuration_key.hpp"
#include "admin/enrolee_document.hpp"
#include "admin/enrolee_import.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "crypto/encoding.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "procedures/certificate_revocation.hpp"
#include "procedures/json_body.hpp"
#include "transport/https/https_server.hpp"
#include "transport/path_template.hpp"

namespace rspf::admin_api {
namespace {

using nlohmann::json;
using transport::HttpResponse;
using transport::percentDecoded;

HttpResponse jsonResponse(const json& body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

std::map<std::string, std::string> queryOf(std::string_view target) {
  std::map<std::string, std::string> query;
  auto mark = target.find('?');
  if (mark == std::string_view::npos) return query;
  auto rest = target.substr(mark + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    query[percentDecoded(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : percentDecoded(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return query;
}

std::string optionalText(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return "";
  if (!it->is_string()) throw Error(ErrorCode::BadRequest, std::string("'") + field + "' must be a string");
  return it->get<std::string>();
}

std::vector<std::string> optionalTexts(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_array()) throw Error(ErrorCode::BadRequest, std::string("'") + field + "' must be an array of strings");
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string()) throw Error(ErrorCode::BadRequest, std::string("'") + field + "' must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::optional<std::chrono::seconds> optionalDuration(const std::string& text, const char* what) {
  if (text.empty()) return std::nullopt;
  auto d = parseDuration(text);
  if (!d || d->count() <= 0)
    throw Error(ErrorCode::BadRequest, std::string("'") + what + "' takes a duration such as 12h or 7d");
  return d;
}

std::string queryValue(const AdminRouter::Call& call, const std::string& name) {
  auto it = call.query.find(name);
  return it == call.query.end() ? "" : it->second;
}

}  // namespace

std::span<const AdminRouter::Entry> AdminRouter::table() {
  static const std::array<Entry, 23> kTable = {{
      {{"GET", "/admin/v1/enrolees"}, &AdminRouter::listEnrolees},
      {{"POST", "/admin/v1/enrolees"}, &AdminRouter::addEnrolee},
      {{"POST", "/admin/v1/enrolees:import"}, &AdminRouter::importEnrolees},
      {{"GET", "/admin/v1/enrolees/{enroleeId}"}, &AdminRouter::showEnrolee},
      {{"DELETE", "/admin/v1/enrolees/{enroleeId}"}, &AdminRouter::removeEnrolee},
      {{"PUT", "/admin/v1/enrolees/{enroleeId}/policy"}, &AdminRouter::replacePolicy},
      {{"POST", "/admin/v1/enrolees/{enroleeId}/enable"}, &AdminRouter::enableEnrolee},
      {{"POST", "/admin/v1/enrolees/{enroleeId}/disable"}, &AdminRouter::disableEnrolee},
      {{"POST", "/admin/v1/enrolees/{enroleeId}/bundle"}, &AdminRouter::exportBundle},
      {{"GET", "/admin/v1/enrolees/{enroleeId}/certificates"}, &AdminRouter::listIssuedCertificates},
      {{"GET", "/admin/v1/targets"}, &AdminRouter::listTargets},
      {{"POST", "/admin/v1/targets"}, &AdminRouter::addTarget},
      {{"DELETE", "/admin/v1/targets/{targetId}"}, &AdminRouter::removeTarget},
      {{"GET", "/admin/v1/tokens"}, &AdminRouter::listTokens},
      {{"POST", "/admin/v1/tokens"}, &AdminRouter::createToken},
      {{"POST", "/admin/v1/tokens/{tokenId}/revoke"}, &AdminRouter::revokeToken},
      {{"POST", "/admin/v1/ca"}, &AdminRouter::createCertificateAuthority},
      {{"GET", "/admin/v1/ca/certificate"}, &AdminRouter::showCertificateAuthority},
      {{"GET", "/admin/v1/ca/pending"}, &AdminRouter::listPendingRequests},
      {{"POST", "/admin/v1/ca/pending/{enroleeId}/approve"}, &AdminRouter::approveRequest},
      {{"POST", "/admin/v1/ca/certificates/{serial}/revoke"}, &AdminRouter::revokeCertificate},
      {{"GET", "/admin/v1/ca/crl"}, &AdminRouter::certificateRevocationList},
      {{"GET", "/admin/v1/configuration-key"}, &AdminRouter::showConfigurationKey},
  }};
  return kTable;
}

std::vector<AdminRoute> AdminRouter::routes() {
  std::vector<AdminRoute> out;
  for (const auto& entry : table()) out.push_back(entry.route);
  return out;
}

HttpResponse AdminRouter::handle(const transport::HttpRequest& request) {
  auto segments = transport::pathSegments(request.target);
  std::string allowed;
  for (const auto& entry : table()) {
    auto captures = transport::matchPathTemplate(entry.route.path, segments);
    if (!captures) continue;
    if (entry.route.method != request.method) {
      allowed += (allowed.empty() ? "" : ", ") + std::string(entry.route.method);
      continue;
    }
    if (entry.route.method == "GET")
      return (this->*entry.handler)(Call{request, std::move(*captures), queryOf(request.target)});
    // A change: recorded in the audit log, done or refused (issue 5 item 7).
    std::string subject;
    for (const auto& [name, value] : *captures) subject += (subject.empty() ? "" : " ") + value;
    const std::string action =
        "admin.api " + std::string(entry.route.method) + " " + std::string(entry.route.path.substr(0, 120));
    procedures::AuditTrail audit(store_);
    try {
      auto response = (this->*entry.handler)(Call{request, std::move(*captures), queryOf(request.target)});
      audit.record("admin-api", action, subject, response.status < 400 ? "success" : "refused");
      return response;
    } catch (const Error& e) {
      audit.record("admin-api", action, subject, std::string(procedures::outcomeOf(e.code())), e.what());
      throw;
    }
  }
  if (!allowed.empty()) {
    auto r = transport::errorResponse(405, "this resource takes " + allowed);
    r.headers.emplace_back("Allow", allowed);
    return r;
  }
  throw Error(ErrorCode::NotFound, "no admin API resource at this path (see docs/admin-api.openapi.yaml)");
}

// --- Enrolees

HttpResponse AdminRouter::listEnrolees(const Call&) {
  return jsonResponse(admin::describeEnrolees(store_, context_.mefFqdn));
}

HttpResponse AdminRouter::addEnrolee(const Call& call) {
  auto request = admin::addEnroleeRequestFromJson(procedures::parseJsonObject(call.request.body));
  std::string id = request.enroleeId;
  auto result = admin::addEnrolee(store_, std::move(request));
  auto j = admin::describeEnroleeIn(store_, id, context_.mefFqdn);
  if (result.generatedKpm) j["kpm"] = crypto::toHex(result.generatedKpm->view());  // shown once
  return jsonResponse(j, 201);
}

HttpResponse AdminRouter::importEnrolees(const Call& call) {
  auto type = call.request.header("Content-Type").value_or("");
  type = type.substr(0, type.find(';'));
  auto format = type == "text/csv" ? admin::ImportFormat::Csv
                : type == "application/json"
                    ? admin::ImportFormat::Json
                    : throw Error(ErrorCode::BadRequest, "an import is text/csv or application/json (a JSON array)");
  auto report = admin::importEnrolees(store_, admin::parseImportRows(call.request.body, format));
  return jsonResponse(admin::describeImportReport(report));
}

HttpResponse AdminRouter::showEnrolee(const Call& call) {
  return jsonResponse(admin::describeEnroleeIn(store_, call.at("enroleeId"), context_.mefFqdn));
}

HttpResponse AdminRouter::removeEnrolee(const Call& call) {
  admin::removeEnrolee(store_, call.at("enroleeId"));
  return jsonResponse({{"enroleeId", call.at("enroleeId")}, {"action", "removed"}});
}

HttpResponse AdminRouter::replacePolicy(const Call& call) {
  auto policy = admin::policyFromJson(procedures::parseJsonObject(call.request.body));
  auto stored =
      admin::changeEnroleePolicy(store_, call.at("enroleeId"), [&](store::EnrolmentPolicy& p) { p = policy; });
  return jsonResponse(admin::describePolicy(stored));
}

HttpResponse AdminRouter::enableEnrolee(const Call& call) {
  admin::setEnroleeEnabled(store_, call.at("enroleeId"), true);
  return jsonResponse({{"enroleeId", call.at("enroleeId")}, {"action", "enabled"}});
}

HttpResponse AdminRouter::disableEnrolee(const Call& call) {
  admin::setEnroleeEnabled(store_, call.at("enroleeId"), false);
  return jsonResponse({{"enroleeId", call.at("enroleeId")}, {"action", "disabled"}});
}

HttpResponse AdminRouter::exportBundle(const Call& call) {
  if (!context_.configurationKey)
    throw Error(ErrorCode::NotFound, "the MEF has no configuration key ([mef] configuration_key) to sign bundles");
  auto body = call.request.body.empty() ? json::object() : procedures::parseJsonObject(call.request.body);
  admin::MefIdentity mef{context_.mefUri, context_.mefFqdn, optionalText(body, "mefTrustAnchors"), {}};
  if (auto uri = optionalText(body, "mefUri"); !uri.empty()) mef.uri = uri;
  if (!mef.trustAnchorsPem.empty()) ca::parseCertificates(crypto::asBytes(mef.trustAnchorsPem));
  if (auto token = optionalText(body, "enrolmentToken"); !token.empty()) mef.enrolmentToken = token;
  auto key = admin::loadConfigurationKey(*context_.configurationKey);
  auto instructions = admin::bootstrapInstructionsFor(store_, call.at("enroleeId"), mef);
  HttpResponse r;
  r.contentType = "application/json";
  r.body = json{{"enroleeId", call.at("enroleeId")}, {"bundle", config::signBootstrapInstructions(instructions, *key)}}
               .dump();
  return r;
}

HttpResponse AdminRouter::listIssuedCertificates(const Call& call) {
  json all = json::array();
  for (const auto& c : store_.listIssuedCertificates(call.at("enroleeId")))
    all.push_back(admin::describeIssuedCertificate(c));
  return jsonResponse(all);
}

// --- Enrolment Targets

HttpResponse AdminRouter::listTargets(const Call&) {
  json all = json::array();
  for (const auto& t : store_.listTargets()) all.push_back(admin::describeTarget(t));
  return jsonResponse(all);
}

HttpResponse AdminRouter::addTarget(const Call& call) {
  auto body = procedures::parseJsonObject(call.request.body);
  auto id = optionalText(body, "targetId");
  auto type = optionalText(body, "type");
  admin::addTarget(store_, id, type.empty() ? "CSE" : type);
  auto target = store_.findTarget(id);
  if (!target) throw Error(ErrorCode::NotFound, "no Enrolment Target '" + id + "'");
  return jsonResponse(admin::describeTarget(*target), 201);
}

HttpResponse AdminRouter::removeTarget(const Call& call) {
  admin::removeTarget(store_, call.at("targetId"));
  return jsonResponse({{"targetId", call.at("targetId")}, {"action", "removed"}});
}

// --- Enrolment tokens

HttpResponse AdminRouter::listTokens(const Call&) {
  json all = json::array();
  for (const auto& t : store_.listTokens()) all.push_back(admin::describeToken(t));
  return jsonResponse(all);
}

HttpResponse AdminRouter::createToken(const Call& call) {
  auto body = call.request.body.empty() ? json::object() : procedures::parseJsonObject(call.request.body);
  auto issued = admin::createEnrolmentToken(store_, optionalText(body, "enroleeId"), optionalText(body, "auxInfo"),
                                            optionalDuration(optionalText(body, "expires"), "expires"));
  auto j = admin::describeToken(issued.record);
  j["token"] = issued.value;  // shown once; only its hash is stored
  return jsonResponse(j, 201);
}

HttpResponse AdminRouter::revokeToken(const Call& call) {
  admin::revokeEnrolmentToken(store_, call.at("tokenId"));
  return jsonResponse({{"tokenId", call.at("tokenId")}, {"action", "revoked"}});
}

// --- The embedded Certificate Authority

HttpResponse AdminRouter::createCertificateAuthority(const Call& call) {
  auto body = call.request.body.empty() ? json::object() : procedures::parseJsonObject(call.request.body);
  auto label = optionalText(body, "label");
  auto validity = optionalDuration(optionalText(body, "validity"), "validity").value_or(std::chrono::hours(24 * 3650));
  auto pem = procedures::createCertificateAuthority(store_, kek_, label, optionalTexts(body, "permittedDns"),
                                                    optionalTexts(body, "permittedUri"), validity);
  return jsonResponse({{"label", label}, {"certificate", pem}}, 201);
}

HttpResponse AdminRouter::showCertificateAuthority(const Call& call) {
  auto label = queryValue(call, "label");
  auto record = store_.findCertificateAuthority(label);
  if (!record) throw Error(ErrorCode::NotFound, "no Certificate Authority labelled '" + label + "'");
  return jsonResponse(
      {{"label", label}, {"certificate", ca::certificatePem(*ca::parseCertificate(record->certificateDer))}});
}

HttpResponse AdminRouter::listPendingRequests(const Call&) {
  json all = json::array();
  for (const auto& p : store_.listPendingCertificateRequests())
    all.push_back(admin::describePendingCertificateRequest(p));
  return jsonResponse(all);
}

HttpResponse AdminRouter::approveRequest(const Call& call) {
  admin::approveCertificateRequest(store_, call.at("enroleeId"));
  return jsonResponse({{"enroleeId", call.at("enroleeId")}, {"action", "approved"}});
}

HttpResponse AdminRouter::revokeCertificate(const Call& call) {
  auto body = call.request.body.empty() ? json::object() : procedures::parseJsonObject(call.request.body);
  auto reason = optionalText(body, "reason");
  auto record = procedures::revokeCertificate(store_, call.at("serial"), reason.empty() ? "unspecified" : reason);
  return jsonResponse(admin::describeIssuedCertificate(record));
}

HttpResponse AdminRouter::certificateRevocationList(const Call& call) {
  auto nextUpdate = optionalDuration(queryValue(call, "nextUpdate"), "nextUpdate").value_or(std::chrono::hours(24 * 7));
  HttpResponse r;
  r.contentType = "application/x-pem-file";
  r.body = ca::crlPem(procedures::certificateRevocationList(store_, kek_, queryValue(call, "label"), nextUpdate));
  return r;
}

HttpResponse AdminRouter::showConfigurationKey(const Call&) {
  if (!context_.configurationKey)
    throw Error(ErrorCode::NotFound, "the MEF has no configuration key ([mef] configuration_key)");
  return jsonResponse({{"publicKey", ca::publicKeyPem(*admin::loadConfigurationKey(*context_.configurationKey))}});
}

}  // namespace rspf::admin_api
