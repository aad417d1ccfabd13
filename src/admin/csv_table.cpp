#include "admin/csv_table.hpp"

#include "common/error.hpp"

namespace rspf::admin {

std::vector<CsvRecord> parseCsv(std::string_view text) {
  std::vector<CsvRecord> records;
  CsvRecord record{1, {}};
  std::string field;
  bool quoted = false;
  bool fieldStarted = false;  // distinguishes an empty line from a record of one empty field
  std::size_t line = 1;
  auto endRecord = [&] {
    if (fieldStarted || !record.fields.empty()) {
      record.fields.push_back(std::move(field));
      records.push_back(std::move(record));
    }
    field.clear();
    record = CsvRecord{line, {}};
    fieldStarted = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      fieldStarted = true;
    } else if (c == ',') {
      record.fields.push_back(std::move(field));
      field.clear();
      fieldStarted = true;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      ++line;
      endRecord();
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted)
    throw Error(ErrorCode::BadRequest,
                "CSV: a quoted field starting on line " + std::to_string(record.line) + " is not closed");
  endRecord();
  return records;
}

}  // namespace rspf::admin
