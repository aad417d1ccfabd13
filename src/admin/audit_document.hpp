#pragma once
// The JSON form of an audit log entry, as `rspf admin audit tail --json` and GET /admin/v1/audit give it.
#include <nlohmann/json.hpp>

#include "store/records.hpp"

namespace rspf::admin {

nlohmann::json describeAuditEntry(const store::AuditEntry& entry);
// One readable line: "seq  time  actor  action  subject  outcome  (detail)".
std::string auditLine(const store::AuditEntry& entry);

}  // namespace rspf::admin
