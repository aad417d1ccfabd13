#include "admin/audit_document.hpp"

#include "common/time.hpp"

namespace rspf::admin {

nlohmann::json describeAuditEntry(const store::AuditEntry& e) {
  return {{"seq", e.seq},         {"at", toRfc3339(e.at)}, {"actor", e.actor},  {"action", e.action},
          {"subject", e.subject}, {"outcome", e.outcome},  {"detail", e.detail}};
}

std::string auditLine(const store::AuditEntry& e) {
  return std::to_string(e.seq) + "  " + toRfc3339(e.at) + "  " + e.actor + "  " + e.action + "  " + e.subject + "  " +
         e.outcome + (e.detail.empty() ? "" : "  (" + e.detail + ")");
}

}  // namespace rspf::admin
