// RFC 4180 CSV as the bulk import reads it (admin/csv_table).
#include <cstdlib>

#include "admin/csv_table.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  auto text = fuzz::textOf(data, size);
  fuzz::refusedOrParsed([&] {
    auto records = admin::parseCsv(text);
    std::size_t line = 0;
    for (const auto& r : records) {
      if (r.line <= line || r.fields.empty()) std::abort();  // records in order, each with a field
      line = r.line;
    }
  });
  return 0;
}
