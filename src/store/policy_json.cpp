#include "store/policy_json.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace rspf::store {

using nlohmann::json;

std::string completedStepsToJson(const std::vector<std::string>& steps) { return json(steps).dump(); }

std::vector<std::string> completedStepsFromJson(const std::string& text) {
  try {
    return json::parse(text).get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    throw Error(ErrorCode::Store, std::string("stored completed steps of an Enrolment Key are malformed: ") + e.what());
  }
}

std::string policyToJson(const EnrolmentPolicy& policy) {
  json directKeys = json::array();
  for (const auto& pair : policy.directKeys) directKeys.push_back({{"targetId", pair.targetId}, {"usage", pair.usage}});
  json maf = nullptr;
  if (policy.maf)
    maf = {{"mafId", policy.maf->mafId},
           {"mafUri", policy.maf->mafUri},
           {"credentialType", policy.maf->credentialType},
           {"usages", policy.maf->usages}};
  json certificate = nullptr;
  if (policy.certificate)
    certificate = {{"subjectType", policy.certificate->subjectType},
                   {"usages", policy.certificate->usages},
                   {"validitySeconds", policy.certificate->validity.count()},
                   {"caLabel", policy.certificate->caLabel},
                   {"requireApproval", policy.certificate->requireApproval}};
  json out = {{"directKeys", std::move(directKeys)},
              {"certificate", std::move(certificate)},
              {"maf", std::move(maf)},
              {"registrarCseId", policy.registrarCseId},
              {"enrolmentExpirySeconds", policy.enrolmentExpiry.count()},
              {"token", policy.token == TokenRequirement::Required ? "required" : "optional"},
              {"requireEnrolmentApproval", policy.requireEnrolmentApproval}};
  return out.dump();
}

EnrolmentPolicy policyFromJson(std::string_view text) {
  try {
    const json in = json::parse(text);
    EnrolmentPolicy policy;
    for (const auto& pair : in.at("directKeys"))
      policy.directKeys.push_back({pair.at("targetId").get<std::string>(), pair.at("usage").get<std::string>()});
    if (const auto& maf = in.at("maf"); !maf.is_null())
      policy.maf =
          MafInstruction{maf.at("mafId").get<std::string>(), maf.at("mafUri").get<std::string>(),
                         maf.at("credentialType").get<std::string>(), maf.at("usages").get<std::vector<std::string>>()};
    // Absent in policies stored before Certificate Enrolment existed.
    if (auto c = in.find("certificate"); c != in.end() && !c->is_null())
      policy.certificate =
          CertificatePolicy{c->at("subjectType").get<std::string>(), c->at("usages").get<std::vector<std::string>>(),
                            std::chrono::seconds(c->at("validitySeconds").get<std::int64_t>()),
                            c->at("caLabel").get<std::string>(), c->value("requireApproval", false)};
    policy.registrarCseId = in.at("registrarCseId").get<std::string>();
    policy.enrolmentExpiry = std::chrono::seconds(in.at("enrolmentExpirySeconds").get<std::int64_t>());
    // Absent in policies stored before the approval webhook existed.
    policy.requireEnrolmentApproval = in.value("requireEnrolmentApproval", false);
    const auto token = in.at("token").get<std::string>();
    if (token == "required")
      policy.token = TokenRequirement::Required;
    else if (token == "optional")
      policy.token = TokenRequirement::Optional;
    else
      throw Error(ErrorCode::Store, "stored enrolment policy has an unknown token requirement");
    return policy;
  } catch (const json::exception& e) {
    throw Error(ErrorCode::Store, std::string("stored enrolment policy is malformed: ") + e.what());
  }
}

EnrolmentPolicy PolicyCache::parse(std::string text) {
  if (auto it = entries_.find(text); it != entries_.end()) return it->second;
  EnrolmentPolicy policy = policyFromJson(text);
  if (entries_.size() >= kCapacity) entries_.clear();
  entries_.emplace(std::move(text), policy);
  return policy;
}

}  // namespace rspf::store
