#include "admin/enrolee_import.hpp"

#include <algorithm>
#include <array>

#include "admin/administration.hpp"
#include "admin/csv_table.hpp"
#include "admin/enrolee_document.hpp"
#include "common/error.hpp"
#include "common/safe_text.hpp"
#include "common/strict_json.hpp"
#include "crypto/encoding.hpp"

namespace rspf::admin {
namespace {

constexpr std::array<std::string_view, 12> kCsvColumns = {
    "enroleeId", "kpmId",  "kpmHex", "rawPublicKey",   "deviceId",   "deviceTrustAnchor",
    "gbaImpi",   "expiry", "token",  "registrarCseId", "directKeys", "enrolmentApproval"};

std::string trimmed(std::string s) {
  auto notSpace = [](unsigned char c) { return c != ' ' && c != '\t'; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
  s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
  return s;
}

std::vector<ImportRow> csvRows(std::string_view text) {
  auto records = parseCsv(text);
  if (records.empty()) throw Error(ErrorCode::BadRequest, "CSV: no header line");
  std::vector<std::string> header;
  for (auto& name : records.front().fields) {
    name = trimmed(name);
    if (!name.empty() && name.front() == '\xef') name.erase(0, 3);  // a UTF-8 byte order mark
    if (std::find(kCsvColumns.begin(), kCsvColumns.end(), name) == kCsvColumns.end())
      throw Error(ErrorCode::BadRequest, "CSV: unknown column '" + name + "' in the header");
    if (std::find(header.begin(), header.end(), name) != header.end())
      throw Error(ErrorCode::BadRequest, "CSV: column '" + name + "' appears twice in the header");
    header.push_back(name);
  }
  if (std::find(header.begin(), header.end(), "enroleeId") == header.end())
    throw Error(ErrorCode::BadRequest, "CSV: the header must name an enroleeId column");
  std::vector<ImportRow> rows;
  for (std::size_t i = 1; i < records.size(); ++i) {
    ImportRow row;
    row.number = i;
    const auto& fields = records[i].fields;
    if (fields.size() != header.size()) {
      row.readError = "line " + std::to_string(records[i].line) + " has " + std::to_string(fields.size()) +
                      " fields, the header " + std::to_string(header.size());
    } else {
      row.fields = nlohmann::json::object();
      for (std::size_t c = 0; c < header.size(); ++c)
        if (auto value = trimmed(fields[c]); !value.empty()) row.fields[header[c]] = value;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<ImportRow> jsonRows(std::string_view text) {
  auto document = parseStrictJsonOrDiscarded(text);
  if (document.is_discarded()) throw Error(ErrorCode::BadRequest, "the import is not valid JSON");
  if (!document.is_array()) throw Error(ErrorCode::BadRequest, "a JSON import is an array of Enrolees");
  std::vector<ImportRow> rows;
  for (std::size_t i = 0; i < document.size(); ++i) {
    ImportRow row;
    row.number = i + 1;
    if (document[i].is_object())
      row.fields = std::move(document[i]);
    else
      row.readError = "an Enrolee must be a JSON object";
    rows.push_back(std::move(row));
  }
  return rows;
}

// A direct-key pair is only useful once its Enrolment Target can fetch the key: a row naming an
// unregistered target is refused with that reason rather than imported to fail later.
void requireRegisteredTargets(store::Store& store, const store::EnrolmentPolicy& policy) {
  for (const auto& pair : policy.directKeys)
    if (!store.findTarget(pair.targetId))
      throw Error(ErrorCode::BadRequest, "direct key pair names the Enrolment Target '" + pair.targetId +
                                             "', which is not registered (rspf admin target add " + pair.targetId +
                                             " first)");
}

}  // namespace

std::optional<ImportFormat> parseImportFormat(std::string_view name) {
  if (name == "csv") return ImportFormat::Csv;
  if (name == "json") return ImportFormat::Json;
  return std::nullopt;
}

std::vector<ImportRow> parseImportRows(std::string_view text, ImportFormat format) {
  return format == ImportFormat::Csv ? csvRows(text) : jsonRows(text);
}

std::size_t ImportReport::imported() const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.imported; }));
}

ImportReport importEnrolees(store::Store& store, const std::vector<ImportRow>& rows, const ImportProgress& progress) {
  ImportReport report;
  for (const auto& row : rows) {
    ImportRowResult result;
    result.number = row.number;
    if (row.fields.is_object() && row.fields.contains("enroleeId") && row.fields["enroleeId"].is_string())
      result.enroleeId = row.fields["enroleeId"].get<std::string>();
    if (!row.readError.empty()) {
      result.reason = row.readError;
    } else {
      // One store transaction per row (Store::addEnrolee with its bootstrap identities): a row
      // refused at any step, in validation or by the store, leaves nothing behind.
      try {
        auto request = addEnroleeRequestFromJson(row.fields);
        validatePolicy(request.policy);  // a bad usage is the row's reason before an unknown target
        requireRegisteredTargets(store, request.policy);
        auto added = addEnrolee(store, request);
        result.imported = true;
        result.generatedKpm = std::move(added.generatedKpm);
      } catch (const Error& e) {
        if (e.code() != ErrorCode::BadRequest && e.code() != ErrorCode::Conflict && e.code() != ErrorCode::NotFound)
          throw;  // the store failed: stop rather than report every following row as refused
        result.reason = e.what();
      }
    }
    report.rows.push_back(std::move(result));
    if (progress) progress(report.rows.size(), rows.size());
  }
  return report;
}

nlohmann::json describeImportReport(const ImportReport& report) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : report.rows) {
    // A rejected row's ID and reason may carry the file's bytes (not UTF-8): escaped, so dump() cannot throw.
    nlohmann::json j = {{"row", r.number}, {"enroleeId", safeErrorText(r.enroleeId, 512)}, {"imported", r.imported}};
    if (!r.imported) j["reason"] = safeErrorText(r.reason, 1024);
    if (r.generatedKpm) j["kpm"] = crypto::toHex(r.generatedKpm->view());
    rows.push_back(std::move(j));
  }
  return {{"imported", report.imported()}, {"rejected", report.rejected()}, {"rows", rows}};
}

}  // namespace rspf::admin
