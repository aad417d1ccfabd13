#include "admin/enrolee_import.hpp"

#include <algorithm>

#include "admin/administration.hpp"
#include "admin/csv_table.hpp"
#include "admin/enrolee_document.hpp"
#include "common/error.hpp"
#include "common/safe_text.hpp"
#include "crypto/encoding.hpp"

namespace rspf::admin {
namespace {

bool refusable(ErrorCode code) {
  return code == ErrorCode::BadRequest || code == ErrorCode::Conflict || code == ErrorCode::NotFound;
}

}  // namespace

std::vector<ImportRow> parseImportRows(std::string_view text, ImportFormat format) {
  TextStreamBuf buffer(text);
  std::vector<ImportRow> rows;
  readImportRows(buffer, format, [&](ImportRow row) { rows.push_back(std::move(row)); });
  return rows;
}

EnroleeImporter::EnroleeImporter(store::Store& store, BatchDone done, std::size_t batchRows)
    : store_(store), done_(std::move(done)), batchRows_(std::max<std::size_t>(1, batchRows)) {}

bool EnroleeImporter::targetRegistered(const std::string& targetId) {
  auto [at, added] = targets_.try_emplace(targetId, false);
  if (added) at->second = store_.findTarget(targetId).has_value();
  return at->second;
}

void EnroleeImporter::add(const ImportRow& row) {
  ImportRowResult result;
  result.number = row.number;
  if (row.fields.is_object() && row.fields.contains("enroleeId") && row.fields["enroleeId"].is_string())
    result.enroleeId = row.fields["enroleeId"].get<std::string>();
  if (!row.readError.empty()) {
    result.reason = row.readError;
  } else {
    try {
      auto request = addEnroleeRequestFromJson(row.fields);
      validatePolicy(request.policy);  // a bad usage is the row's reason before an unknown target
      // A direct-key pair is only useful once its Enrolment Target can fetch the key: a row naming
      // an unregistered target is refused with that reason rather than imported to fail later.
      for (const auto& pair : request.policy.directKeys)
        if (!targetRegistered(pair.targetId))
          throw Error(ErrorCode::BadRequest, "direct key pair names the Enrolment Target '" + pair.targetId +
                                                 "', which is not registered (rspf admin target add " + pair.targetId +
                                                 " first)");
      AddEnroleeResult added;
      enrolees_.push_back(enroleeToAdd(std::move(request), added));
      resultOf_.push_back(results_.size());
      result.generatedKpm = std::move(added.generatedKpm);
    } catch (const Error& e) {
      if (!refusable(e.code())) throw;
      result.reason = e.what();
    }
  }
  results_.push_back(std::move(result));
  if (results_.size() >= batchRows_) flush();
}

void EnroleeImporter::finish() {
  if (!results_.empty()) flush();
}

void EnroleeImporter::flush() {
  // One transaction: the store refuses an Enrolee that exists (or came earlier in this batch).
  auto refusals = enrolees_.empty() ? std::vector<std::string>{} : store_.addEnrolees(enrolees_);
  for (std::size_t i = 0; i < refusals.size(); ++i) {
    auto& result = results_[resultOf_[i]];
    if (refusals[i].empty()) {
      result.imported = true;
    } else {
      result.reason = std::move(refusals[i]);
      result.generatedKpm.reset();  // never stored: nothing to provision
    }
  }
  for (const auto& result : results_) ++(result.imported ? imported_ : rejected_);
  enrolees_.clear();
  resultOf_.clear();
  if (done_) done_(results_);
  results_.clear();
}

std::size_t ImportReport::imported() const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.imported; }));
}

ImportReport importEnrolees(store::Store& store, const std::vector<ImportRow>& rows, const ImportProgress& progress) {
  ImportReport report;
  EnroleeImporter importer(store, [&](std::vector<ImportRowResult>& batch) {
    for (auto& row : batch) report.rows.push_back(std::move(row));
    if (progress) progress(report.rows.size(), rows.size());
  });
  for (const auto& row : rows) importer.add(row);
  importer.finish();
  return report;
}

nlohmann::json describeImportRow(const ImportRowResult& r) {
  // A rejected row's ID and reason may carry the file's bytes (not UTF-8): escaped, so dump() cannot throw.
  nlohmann::json j = {{"row", r.number}, {"enroleeId", safeErrorText(r.enroleeId, 512)}, {"imported", r.imported}};
  if (!r.imported) j["reason"] = safeErrorText(r.reason, 1024);
  if (r.generatedKpm) j["kpm"] = crypto::toHex(r.generatedKpm->view());
  return j;
}

nlohmann::json describeImportReport(const ImportReport& report) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : report.rows) rows.push_back(describeImportRow(r));
  return {{"imported", report.imported()}, {"rejected", report.rejected()}, {"rows", rows}};
}

}  // namespace rspf::admin
