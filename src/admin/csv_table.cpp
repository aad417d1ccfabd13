#include "admin/csv_table.hpp"

#include "common/error.hpp"

namespace rspf::admin {

std::optional<CsvRecord> CsvReader::next() {
  using Traits = std::streambuf::traits_type;
  CsvRecord record{line_, {}};
  std::string field;
  std::size_t bytes = 0;
  bool quoted = false;
  bool fieldStarted = false;  // distinguishes an empty line from a record of one empty field
  auto tooLarge = [&] {
    return Error(ErrorCode::BadRequest, "CSV: the record starting on line " + std::to_string(record.line) +
                                            " is over " + std::to_string(kMaxRecordBytes / 1024) + " KiB");
  };
  for (;;) {
    const int c = in_.sbumpc();
    if (c == Traits::eof()) break;
    if (++bytes > kMaxRecordBytes) throw tooLarge();
    const char ch = Traits::to_char_type(c);
    if (quoted) {
      if (ch == '"' && in_.sgetc() == '"') {
        field += '"';
        in_.sbumpc();
      } else if (ch == '"') {
        quoted = false;
      } else {
        if (ch == '\n') ++line_;
        field += ch;
      }
      continue;
    }
    if (ch == '"') {
      quoted = true;
      fieldStarted = true;
    } else if (ch == ',') {
      record.fields.push_back(std::move(field));
      field.clear();
      fieldStarted = true;
    } else if (ch == '\r' && in_.sgetc() == '\n') {
      continue;
    } else if (ch == '\n') {
      ++line_;
      if (fieldStarted || !record.fields.empty()) {
        record.fields.push_back(std::move(field));
        return record;
      }
      record.line = line_;  // an empty line: the record starts on the next
      bytes = 0;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (quoted)
    throw Error(ErrorCode::BadRequest,
                "CSV: a quoted field starting on line " + std::to_string(record.line) + " is not closed");
  if (!fieldStarted && record.fields.empty()) return std::nullopt;
  record.fields.push_back(std::move(field));
  return record;
}

std::vector<CsvRecord> parseCsv(std::string_view text) {
  TextStreamBuf buffer(text);
  CsvReader reader(buffer);
  std::vector<CsvRecord> records;
  while (auto record = reader.next()) records.push_back(std::move(*record));
  return records;
}

}  // namespace rspf::admin
