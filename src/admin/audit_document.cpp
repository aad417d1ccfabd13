#include "admin/audit_document.hpp"

#include "common/time.hpp"
#include "procedures/audit_trail.hpp"

namespace rspf::admin {
namespace {

// Entries are stored escaped (procedures::escapeAuditText); one written before escaping existed may
// hold raw bytes an attacker chose: never print a control character, never dump bytes that are not UTF-8.
std::string shown(const std::string& field) { return procedures::printableAuditText(field); }

}  // namespace

nlohmann::json describeAuditEntry(const store::AuditEntry& e) {
  return {{"seq", e.seq},
          {"at", toRfc3339(e.at)},
          {"actor", shown(e.actor)},
          {"action", shown(e.action)},
          {"subject", shown(e.subject)},
          {"outcome", shown(e.outcome)},
          {"detail", shown(e.detail)}};
}

std::string auditLine(const store::AuditEntry& e) {
  return std::to_string(e.seq) + "  " + toRfc3339(e.at) + "  " + shown(e.actor) + "  " + shown(e.action) + "  " +
         shown(e.subject) + "  " + shown(e.outcome) + (e.detail.empty() ? "" : "  (" + shown(e.detail) + ")");
}

}  // namespace rspf::admin
