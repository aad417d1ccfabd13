#pragma once
// RFC 4180 comma-separated values: quoted fields may hold commas, quotes ("") and line breaks.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rspf::admin {

struct CsvRecord {
  std::size_t line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// Records in order; empty lines are skipped. Throws Error(BadRequest) for an unterminated quote.
std::vector<CsvRecord> parseCsv(std::string_view text);

}  // namespace rspf::admin
