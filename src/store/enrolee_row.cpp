#include "store/enrolee_row.hpp"

#include "common/error.hpp"
#include "store/policy_json.hpp"
#include "store/sealing.hpp"

namespace rspf::store {

EnroleeRow enroleeRowOf(const KeyEncryptionKey& kek, const Enrolee& enrolee) {
  for (const auto& identity : enrolee.bootstrapIdentities)
    if (identity.enroleeId != enrolee.enroleeId)
      throw Error(ErrorCode::BadRequest, "a bootstrap identity names another Enrolee");
  EnroleeRow row;
  if (!enrolee.kpm.empty()) row.kpmSealed = kek.seal(enrolee.kpm.view(), kpmSealingName(enrolee.enroleeId));
  row.policyJson = policyToJson(enrolee.policy);
  return row;
}

std::vector<EnroleeRow> enroleeRowsOf(const KeyEncryptionKey& kek, const std::vector<Enrolee>& batch) {
  std::vector<EnroleeRow> rows;
  rows.reserve(batch.size());
  for (const auto& enrolee : batch) {
    try {
      rows.push_back(enroleeRowOf(kek, enrolee));
    } catch (const Error& e) {
      if (e.code() != ErrorCode::BadRequest) throw;
      rows.push_back({{}, {}, e.what()});
    }
  }
  return rows;
}

}  // namespace rspf::store
