#pragma once
// The rows of a bulk import (enrolee_import.hpp), read one at a time from a stream so that an import
// of a million Enrolees holds one row in memory, not the file (issue 14 item 6). CSV: a header
// naming the columns, then one Enrolee per record (csv_table.hpp). JSON: an array of objects, each
// element cut out of the stream and parsed on its own, strictly (common/strict_json.hpp).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <streambuf>
#include <string>
#include <string_view>

namespace rspf::admin {

enum class ImportFormat { Csv, Json };
// "csv" / "json"; nullopt for anything else.
std::optional<ImportFormat> parseImportFormat(std::string_view name);

struct ImportRow {
  std::size_t number = 0;  // 1-based: the data record (CSV: not counting the header), or the array index + 1
  nlohmann::json fields;   // the registration; null when the row could not even be read
  std::string readError;   // why the row could not be read (then `fields` is null)
};

// The most one JSON element may take.
inline constexpr std::size_t kMaxImportElementBytes = 1024 * 1024;

// Gives each row to `sink`, in order. Throws Error(BadRequest) when the document as a whole is
// unreadable (not a JSON array, no CSV header, an unknown CSV column, a syntax error anywhere, an
// element or record over its bound); the rows before that point have reached the sink, so read a
// document once with a sink that keeps nothing before importing it. A bad row is given with its
// readError instead.
void readImportRows(std::streambuf& in, ImportFormat format, const std::function<void(ImportRow)>& sink);

}  // namespace rspf::admin
