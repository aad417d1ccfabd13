#include "admin_api/admin_router.hpp"

#include "procedures/audit_trail.hpp"
#include "procedures/procedure_observer.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "admin/administration.hpp"
#include "admin/audit_document.hpp"
#include "admin/bootstrap_instruction_configuration.hpp"
#include "admin/configuration_key.hpp"
#include "admin/enrolee_document.hpp"
#include "admin/enrolee_import.hpp"
#include "ca/pem.hpp"
#include "common/bounds.hpp"
#include "common/error.hpp"
#include "common/safe_text.hpp"
#include "common/time.hpp"
#include "crypto/encoding.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "procedures/certificate_revocation.hpp"
#include "procedures/json_body.hpp"
#include "transport/https/https_server.hpp"
#include "transport/https/query_string.hpp"
#include "transport/path_template.hpp"

namespace rspf::admin_api {
namespace {

// The audited subject of a request whose path names none (POST /targets, /enrolees, ...): the
// identifier its JSON body names. Never throws; attacker bytes are cut and escaped by the audit trail.
std::string subjectNamedIn(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return "";
  for (const char* key : {"enroleeId", "targetId", "tokenId", "label", "serial"}) {
    auto it = j.find(key);
    if (it != j.end() && it->is_string()) return safeErrorText(it->get<std::string>(), 128);
  }
  return "";
}

using nlohmann::json;
using transport::HttpResponse;
using transport::percentDecoded;

HttpResponse jsonResponse(const json& body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = safeJsonDump(body);
  return r;
}

constexpr std::size_t kDefaultPage = 500;
constexpr std::size_t kMaxPage = 1000;

// ?limit=N (1 to 1000, default 500)
std::size_t pageLimit(const std::map<std::string, std::string>& query) {
  auto it = query.find("limit");
  if (it == query.end()) return kDefaultPage;
  std::size_t n = 0;
  auto r = std::from_chars(it->second.data(), it->second.data() + it->second.size(), n);
  if (r.ec != std::errc() || r.ptr != it->second.data() + it->second.size() || n < 1 || n > kMaxPage)
    throw Error(ErrorCode::BadRequest, "limit must be 1 to " + std::to_string(kMaxPage));
  return n;
}

// One page of a list, in the order of `idField`: the items after ?after=ID (the cursor), at most
// ?limit; a `Link: <...>; rel="next"` header when there are more. The body stays a JSON array.
HttpResponse page(const std::map<std::string, std::string>& query, json all, const char* idField,
                  const std::string& path) {
  const std::size_t limit = pageLimit(query);
  auto after = query.count("after") ? query.at("after") : std::string();
  std::vector<json> items(all.begin(), all.end());
  std::sort(items.begin(), items.end(), [idField](const json& a, const json& b) {
    return a[idField].get<std::string>() < b[idField].get<std::string>();
  });
  json out = json::array();
  bool more = false;
  for (auto& item : items) {
    if (!after.empty() && item[idField].get<std::string>() <= after) continue;
    if (out.size() == limit) {
      more = true;
      break;
    }
    out.push_back(std::move(item));
  }
  auto r = jsonResponse(out);
  if (more)
    r.headers.emplace_back("Link", "<" + path + "?limit=" + std::to_string(limit) +
                                       "&after=" + transport::percentEncode(out.back()[idField].get<std::string>()) +
                                       ">; rel=\"next\"");
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
  return parseBoundedDuration(text, std::string("'") + what + "'", ErrorCode::BadRequest);
}

std::string queryValue(const AdminRouter::Call& call, const std::string& name) {
  auto it = call.query.find(name);
  return it == call.query.end() ? "" : it->second;
}

}  // namespace

std::span<const AdminRouter::Entry> AdminRouter::table() {
  static const std::array<Entry, 25> kTable = {{
      {{"GET", "/admin/v1/enrolees"}, &AdminRouter::listEnrolees},
      {{"POST", "/admin/v1/enrolees"}, &AdminRouter::addEnrolee},
      {{"POST", "/admin/v1/enrolees:import"}, &AdminRouter::importEnrolees},
      {{"GET", "/admin/v1/enrolees/{enroleeId}"}, &AdminRouter::showEnrolee},
      {{"DELETE", "/admin/v1/enrolees/{enroleeId}"}, &AdminRouter::removeEnrolee},
      {{"PUT", "/admin/v1/enrolees/{enroleeId}/policy"}, &AdminRouter::replacePolicy},
      {{"PATCH", "/admin/v1/enrolees/{enroleeId}/policy"}, &AdminRouter::changePolicy},
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
      {{"GET", "/admin/v1/audit"}, &AdminRouter::listAudit},
  }};
  return kTable;
}

std::vector<AdminRoute> AdminRouter::routes() {
  std::vector<AdminRoute> out;
  for (const auto& entry : table()) out.push_back(entry.route);
  return out;
}

HttpResponse AdminRouter::handle(const transport::HttpRequest& request, const std::string& principal) {
  const std::string actor = principal.empty() ? "admin-api" : "admin-api:" + principal;
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
      if (subject.empty()) subject = subjectNamedIn(response.body);  // a created resource names itself
      audit.record(actor, action, subject, response.status < 400 ? "success" : "refused");
      return response;
    } catch (const Error& e) {
      if (subject.empty()) subject = subjectNamedIn(request.body);
      audit.record(actor, action, subject, std::string(procedures::outcomeOf(e.code())), e.what());
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

HttpResponse AdminRouter::listEnrolees(const Call& call) {
  return page(call.query, admin::describeEnrolees(store_, context_.mefFqdn), "enroleeId", "/admin/v1/enrolees");
}

// GET /admin/v1/audit?after=SEQ&limit=N&subject=ID: entries oldest first; "next" is the cursor to
// ask for the following page (null at the end).
HttpResponse AdminRouter::listAudit(const Call& call) {
  const std::size_t limit = pageLimit(call.query);
  std::uint64_t after = 0;
  if (auto it = call.query.find("after"); it != call.query.end()) {
    auto r = std::from_chars(it->second.data(), it->second.data() + it->second.size(), after);
    if (r.ec != std::errc() || r.ptr != it->second.data() + it->second.size())
      throw Error(ErrorCode::BadRequest, "after must be an audit entry's seq");
  }
  const auto subject = call.query.count("subject") ? call.query.at("subject") : std::string();
  json entries = json::array();
  std::uint64_t cursor = after;
  bool more = false;
  while (!more) {
    auto batch = store_.auditAfter(cursor, kMaxPage);
    if (batch.empty()) break;
    for (const auto& e : batch) {
      cursor = e.seq;
      if (!subject.empty() && e.subject != subject) continue;
      if (entries.size() == limit) {
        more = true;
        break;
      }
      entries.push_back(admin::describeAuditEntry(e));
    }
  }
  const json next = more ? json(entries.back()["seq"]) : json();
  return jsonResponse({{"entries", entries}, {"next", next}});
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

HttpResponse AdminRouter::changePolicy(const Call& call) {
  auto body = procedures::parseJsonObject(call.request.body);
  for (const auto& [field, value] : body.items())
    if (field != "addDirectKeys" && field != "removeDirectKeys")
      throw Error(ErrorCode::BadRequest, "a policy change takes addDirectKeys and removeDirectKeys (TARGET-ID:USAGE)");
  std::vector<store::DirectKeyPair> add, remove;
  for (const auto& pair : optionalTexts(body, "addDirectKeys")) add.push_back(admin::parseDirectKeyPair(pair));
  for (const auto& pair : optionalTexts(body, "removeDirectKeys")) remove.push_back(admin::parseDirectKeyPair(pair));
  auto stored = admin::changeEnroleePolicy(store_, call.at("enroleeId"), [&](store::EnrolmentPolicy& p) {
    std::erase_if(p.directKeys,
                  [&](const auto& d) { return std::find(remove.begin(), remove.end(), d) != remove.end(); });
    for (const auto& d : add)
      if (std::find(p.directKeys.begin(), p.directKeys.end(), d) == p.directKeys.end()) p.directKeys.push_back(d);
  });
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
  r.body = safeJsonDump(
      json{{"enroleeId", call.at("enroleeId")}, {"bundle", config::signBootstrapInstructions(instructions, *key)}});
  return r;
}

HttpResponse AdminRouter::listIssuedCertificates(const Call& call) {
  json all = json::array();
  for (const auto& c : store_.listIssuedCertificates(call.at("enroleeId")))
    all.push_back(admin::describeIssuedCertificate(c));
  return jsonResponse(all);
}

// --- Enrolment Targets

HttpResponse AdminRouter::listTargets(const Call& call) {
  json all = json::array();
  for (const auto& t : store_.listTargets()) all.push_back(admin::describeTarget(t));
  return page(call.query, std::move(all), "targetId", "/admin/v1/targets");
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

HttpResponse AdminRouter::listTokens(const Call& call) {
  json all = json::array();
  for (const auto& t : store_.listTokens()) all.push_back(admin::describeToken(t));
  return page(call.query, std::move(all), "tokenId", "/admin/v1/tokens");
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
