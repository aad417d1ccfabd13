#include "admin/enrolee_document.hpp"

#include <algorithm>
#include <initializer_list>

#include "admin/bootstrap_identity_registration.hpp"
#include "common/bounds.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "crypto/encoding.hpp"

namespace rspf::admin {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& message) { throw Error(ErrorCode::BadRequest, message); }

void requireObject(const json& j, std::string_view what, std::initializer_list<std::string_view> known) {
  if (!j.is_object()) bad(std::string(what) + " must be a JSON object");
  for (const auto& [key, value] : j.items())
    if (std::find(known.begin(), known.end(), key) == known.end())
      bad(std::string(what) + " has an unknown field '" + key + "'");
}

// A string field; "" when absent or null.
std::string text(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return "";
  if (!it->is_string()) bad(std::string("'") + field + "' must be a string");
  return it->get<std::string>();
}

std::vector<std::string> texts(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return {};
  if (!it->is_array()) bad(std::string("'") + field + "' must be an array of strings");
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string()) bad(std::string("'") + field + "' must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::chrono::seconds duration(const std::string& value, const char* field) {
  return parseBoundedDuration(value, std::string("'") + field + "'", ErrorCode::BadRequest);
}

std::vector<store::DirectKeyPair> directKeys(const json& j) {
  std::vector<store::DirectKeyPair> out;
  auto it = j.find("directKeys");
  if (it == j.end() || it->is_null()) return out;
  if (it->is_string()) {  // CSV: "T1:SAEF;T2:ESData" (also space separated)
    std::string list = it->get<std::string>();
    std::replace(list.begin(), list.end(), ';', ' ');
    std::size_t start = 0;
    while (start < list.size()) {
      auto end = list.find(' ', start);
      if (end == std::string::npos) end = list.size();
      if (end > start) out.push_back(parseDirectKeyPair(std::string_view(list).substr(start, end - start)));
      start = end + 1;
    }
    return out;
  }
  if (!it->is_array()) bad("'directKeys' must be an array");
  for (const auto& d : *it) {
    if (d.is_string()) {
      out.push_back(parseDirectKeyPair(d.get<std::string>()));
    } else {
      requireObject(d, "a direct key pair", {"targetId", "usage"});
      out.push_back({text(d, "targetId"), text(d, "usage")});
    }
  }
  return out;
}

store::TokenRequirement tokenRequirement(const std::string& value) {
  if (value.empty() || value == "optional") return store::TokenRequirement::Optional;
  if (value == "required") return store::TokenRequirement::Required;
  bad("'token' must be \"optional\" or \"required\"");
}

bool enrolmentApproval(const std::string& value) {
  if (value.empty() || value == "none") return false;
  if (value == "webhook") return true;
  bad("'enrolmentApproval' must be \"webhook\" or \"none\"");
}

}  // namespace

store::DirectKeyPair parseDirectKeyPair(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    bad("a direct key takes TARGET-ID:USAGE, got '" + std::string(text) + "'");
  return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

store::EnrolmentPolicy policyFromJson(const json& document) {
  requireObject(
      document, "the policy",
      {"directKeys", "registrarCseId", "enrolmentExpiry", "token", "enrolmentApproval", "maf", "certificate"});
  store::EnrolmentPolicy p;
  p.directKeys = directKeys(document);
  p.registrarCseId = text(document, "registrarCseId");
  if (auto expiry = text(document, "enrolmentExpiry"); !expiry.empty())
    p.enrolmentExpiry = duration(expiry, "enrolmentExpiry");
  p.token = tokenRequirement(text(document, "token"));
  p.requireEnrolmentApproval = enrolmentApproval(text(document, "enrolmentApproval"));
  if (auto maf = document.find("maf"); maf != document.end() && !maf->is_null()) {
    requireObject(*maf, "'maf'", {"mafId", "mafUri", "credentialType", "usages"});
    store::MafInstruction m;
    m.mafId = text(*maf, "mafId");
    m.mafUri = text(*maf, "mafUri");
    if (auto type = text(*maf, "credentialType"); !type.empty()) m.credentialType = type;
    m.usages = texts(*maf, "usages");
    if (m.mafId.empty()) bad("a MAF instruction needs 'mafId'");
    p.maf = std::move(m);
  }
  if (auto c = document.find("certificate"); c != document.end() && !c->is_null()) {
    requireObject(*c, "'certificate'", {"subjectType", "usages", "validity", "caLabel", "requireApproval"});
    store::CertificatePolicy cp;
    if (auto type = text(*c, "subjectType"); !type.empty()) cp.subjectType = type;
    cp.usages = texts(*c, "usages");
    if (auto validity = text(*c, "validity"); !validity.empty()) cp.validity = duration(validity, "validity");
    cp.caLabel = text(*c, "caLabel");
    if (auto approval = c->find("requireApproval"); approval != c->end() && !approval->is_null()) {
      if (!approval->is_boolean()) bad("'requireApproval' must be true or false");
      cp.requireApproval = approval->get<bool>();
    }
    p.certificate = std::move(cp);
  }
  validatePolicy(p);
  return p;
}

AddEnroleeRequest addEnroleeRequestFromJson(const json& r) {
  requireObject(r, "the Enrolee",
                {"enroleeId", "kpmId", "kpmHex", "rawPublicKey", "deviceId", "deviceTrustAnchor", "gbaImpi", "policy",
                 "expiry", "token", "registrarCseId", "directKeys", "enrolmentApproval"});
  AddEnroleeRequest request;
  request.enroleeId = text(r, "enroleeId");
  if (request.enroleeId.empty()) bad("'enroleeId' is required");
  request.kpmId = text(r, "kpmId");
  if (auto hex = text(r, "kpmHex"); !hex.empty()) {
    auto bytes = crypto::fromHex(hex);
    crypto::wipe(hex.data(), hex.size());
    if (!bytes) bad("'kpmHex' must be hex digits");
    request.kpm = crypto::SecretBytes(*bytes);
    crypto::wipe(bytes->data(), bytes->size());
  }
  if (auto key = text(r, "rawPublicKey"); !key.empty())
    request.bootstrapIdentities.push_back(rawPublicKeyIdentity(key));
  auto deviceId = text(r, "deviceId");
  auto anchor = text(r, "deviceTrustAnchor");
  if (deviceId.empty() != anchor.empty()) bad("'deviceId' and 'deviceTrustAnchor' go together");
  if (!deviceId.empty()) request.bootstrapIdentities.push_back(deviceCertificateIdentity(deviceId, anchor));
  if (auto impi = text(r, "gbaImpi"); !impi.empty()) request.bootstrapIdentities.push_back(gbaIdentity(impi));
  bool flat = false;
  for (const char* field : {"expiry", "token", "registrarCseId", "directKeys", "enrolmentApproval"})
    flat = flat || (r.contains(field) && !r[field].is_null() && r[field] != "");
  if (r.contains("policy") && !r["policy"].is_null()) {
    if (flat) bad("give the policy either as 'policy' or as flat fields, not both");
    request.policy = policyFromJson(r["policy"]);
  } else {
    json policy = json::object();
    if (auto expiry = text(r, "expiry"); !expiry.empty()) policy["enrolmentExpiry"] = expiry;
    for (const char* field : {"token", "registrarCseId", "enrolmentApproval"})
      if (auto value = text(r, field); !value.empty()) policy[field] = value;
    if (r.contains("directKeys")) policy["directKeys"] = r["directKeys"];
    request.policy = policyFromJson(policy);
  }
  return request;
}

}  // namespace rspf::admin
