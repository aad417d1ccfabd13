#pragma once
// Bulk import of Enrolees (issue 5 item 6): rows from CSV or a JSON array, each in the registration
// form of enrolee_document.hpp. Each row is wholly imported (the Enrolee with its policy and
// bootstrap identities, in one store transaction) or rejected with its reason and leaves no trace.
//
// CSV: a header naming the columns (enroleeId, kpmId, kpmHex, rawPublicKey, deviceId,
// deviceTrustAnchor, gbaImpi, expiry, token, registrarCseId, directKeys, enrolmentApproval), then one
// Enrolee per record; empty cells are absent fields; directKeys holds "TARGET:USAGE" pairs separated
// by ';' or spaces.
#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/administration.hpp"

namespace rspf::admin {

enum class ImportFormat { Csv, Json };
// "csv" / "json"; nullopt for anything else.
std::optional<ImportFormat> parseImportFormat(std::string_view name);

struct ImportRow {
  std::size_t number = 0;  // 1-based: the data record (CSV: not counting the header), or the array index + 1
  nlohmann::json fields;   // the registration; null when the row could not even be read
  std::string readError;   // why the row could not be read (then `fields` is null)
};

// Throws Error(BadRequest) when the document as a whole is unreadable (not a JSON array, no CSV
// header, an unknown CSV column); a bad row is returned with its readError instead.
std::vector<ImportRow> parseImportRows(std::string_view text, ImportFormat format);

struct ImportRowResult {
  std::size_t number = 0;
  std::string enroleeId;
  bool imported = false;
  std::string reason;                               // why it was rejected
  std::optional<crypto::SecretBytes> generatedKpm;  // shown once, never logged
};

struct ImportReport {
  std::vector<ImportRowResult> rows;
  std::size_t imported() const;
  std::size_t rejected() const { return rows.size() - imported(); }
};

// Called after each row: (rows done, rows in all).
using ImportProgress = std::function<void(std::size_t done, std::size_t total)>;

ImportReport importEnrolees(store::Store& store, const std::vector<ImportRow>& rows,
                            const ImportProgress& progress = {});

// {"imported": n, "rejected": n, "rows": [{"row", "enroleeId", "imported", "reason"?, "kpm"?}]}:
// the only place a generated Kpm is written, for the operator to provision.
nlohmann::json describeImportReport(const ImportReport& report);

}  // namespace rspf::admin
