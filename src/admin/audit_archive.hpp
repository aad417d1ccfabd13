#pragma once
// Audit retention (docs/security.md "Audit log"): the oldest entries of the audit log move to an
// archive file (mode 0600) and leave the store, which keeps a MACed checkpoint where the remaining
// chain starts; `rspf admin audit verify` still passes on what remains and `--archive FILE` verifies
// the archive itself (both need the KEK).
//
// Archive file, JSON:
//   {"format": "rspf-audit-archive/1",
//    "start": {"seq": N, "entryMac": hex, "mac": hex}, "end": {...},
//    "entries": [{"seq", "at", "actor", "action", "subject", "outcome", "detail", "mac": hex}, ...]}
// A text field that is not UTF-8 (entries stored before escaping existed) is {"base64": "..."}.
#include <nlohmann/json.hpp>

#include <filesystem>

#include "store/store.hpp"

namespace rspf::admin {

inline constexpr std::size_t kMaxArchivedEntries = 1'000'000;  // per archive; run again for more

nlohmann::json auditArchiveJson(const store::AuditSegment& segment);
store::AuditSegment auditArchiveFromJson(const nlohmann::json& archive);  // Error(BadRequest)
store::AuditSegment readAuditArchive(const std::filesystem::path& file);  // Error(Config/BadRequest)

// Writes the entries recorded before `before` to `out` (created, mode 0600, never overwritten),
// reads the file back, verifies it, then removes those entries from the store (Store::trimAudit).
// Returns what was archived (no entries: nothing was written).
store::AuditSegment archiveAudit(store::Store& store, TimePoint before, const std::filesystem::path& out);

}  // namespace rspf::admin
