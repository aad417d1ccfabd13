#pragma once
// Bulk import of Enrolees (issue 5 item 6, issue 14 item 6): rows from CSV or a JSON array
// (import_reader.hpp), each in the registration form of enrolee_document.hpp. Each row is wholly
// imported (the Enrolee with its policy and bootstrap identities) or rejected with its reason and
// leaves no trace. Rows are stored in batches, one store transaction and one durable commit each
// (Store::addEnrolees), and only the batch at hand is held in memory.
//
// CSV: a header naming the columns (enroleeId, kpmId, kpmHex, rawPublicKey, deviceId,
// deviceTrustAnchor, gbaImpi, expiry, token, registrarCseId, directKeys, enrolmentApproval), then one
// Enrolee per record; empty cells are absent fields; directKeys holds "TARGET:USAGE" pairs separated
// by ';' or spaces.
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/administration.hpp"
#include "admin/import_reader.hpp"

namespace rspf::admin {

// Every row of `text` (an import held in memory: the admin API's body, tests). Throws as
// readImportRows does.
std::vector<ImportRow> parseImportRows(std::string_view text, ImportFormat format);

struct ImportRowResult {
  std::size_t number = 0;
  std::string enroleeId;
  bool imported = false;
  std::string reason;                               // why it was rejected
  std::optional<crypto::SecretBytes> generatedKpm;  // shown once, never logged
};

// Imports rows as they come, `batchRows` at a time.
class EnroleeImporter {
 public:
  static constexpr std::size_t kBatchRows = 1000;
  // After each batch is stored: its rows' results, in order.
  using BatchDone = std::function<void(std::vector<ImportRowResult>& batch)>;

  EnroleeImporter(store::Store& store, BatchDone done, std::size_t batchRows = kBatchRows);
  void add(const ImportRow& row);
  // Stores the last batch. Throws what the store throws (a store failure stops the import: the
  // batches stored before it stay).
  void finish();

  std::size_t imported() const { return imported_; }
  std::size_t rejected() const { return rejected_; }

 private:
  void flush();
  bool targetRegistered(const std::string& targetId);

  store::Store& store_;
  BatchDone done_;
  std::size_t batchRows_;
  std::vector<ImportRowResult> results_;  // the batch's rows
  std::vector<store::Enrolee> enrolees_;  // the batch's rows that passed the checks
  std::vector<std::size_t> resultOf_;     // the index in results_ of each of enrolees_
  std::map<std::string, bool> targets_;   // Enrolment Targets looked up so far
  std::size_t imported_ = 0;
  std::size_t rejected_ = 0;
};

struct ImportReport {
  std::vector<ImportRowResult> rows;
  std::size_t imported() const;
  std::size_t rejected() const { return rows.size() - imported(); }
};

// Called after each batch: (rows done, rows in all).
using ImportProgress = std::function<void(std::size_t done, std::size_t total)>;

ImportReport importEnrolees(store::Store& store, const std::vector<ImportRow>& rows,
                            const ImportProgress& progress = {});

// {"row", "enroleeId", "imported", "reason"?, "kpm"?}: the only place a generated Kpm is written,
// for the operator to provision.
nlohmann::json describeImportRow(const ImportRowResult& row);
// {"imported": n, "rejected": n, "rows": [describeImportRow...]}.
nlohmann::json describeImportReport(const ImportReport& report);

}  // namespace rspf::admin
