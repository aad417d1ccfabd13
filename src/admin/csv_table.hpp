#pragma once
// RFC 4180 comma-separated values: quoted fields may hold commas, quotes ("") and line breaks.
#include <cstddef>
#include <optional>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

namespace rspf::admin {

struct CsvRecord {
  std::size_t line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// Reads records one at a time (bulk import, issue 14 item 6: memory bounded by one record, not
// the file). Empty lines are skipped.
class CsvReader {
 public:
  static constexpr std::size_t kMaxRecordBytes = 1024 * 1024;
  explicit CsvReader(std::streambuf& in) : in_(in) {}
  // The next record; nullopt at the end. Throws Error(BadRequest) for an unterminated quote or a
  // record over kMaxRecordBytes.
  std::optional<CsvRecord> next();

 private:
  std::streambuf& in_;
  std::size_t line_ = 1;
};

// Every record of `text`, in order.
std::vector<CsvRecord> parseCsv(std::string_view text);

// A read-only stream buffer over text held elsewhere (no copy), for the readers above.
class TextStreamBuf : public std::streambuf {
 public:
  explicit TextStreamBuf(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // never written: no put area, no putback
    setg(begin, begin, begin + text.size());
  }
};

}  // namespace rspf::admin
