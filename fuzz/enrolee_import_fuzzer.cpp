// Bulk import of Enrolees (admin/enrolee_import), CSV or a JSON array, run against a real store as
// `rspf admin enrolee import` and POST /admin/v1/enrolees/import run it, with the report they print.
// The first byte picks the format.
#include "admin/enrolee_import.hpp"
#include "fuzz_store.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rspf;
  if (size < 1) return 0;
  static fuzz::FuzzStore store;
  auto format = data[0] & 1 ? admin::ImportFormat::Json : admin::ImportFormat::Csv;
  auto text = fuzz::textOf(data + 1, size - 1);
  fuzz::refusedOrParsed([&] {
    auto rows = admin::parseImportRows(text, format);
    if (rows.size() > 64) return;  // keep inputs fast (64 rows: one batch, one store transaction)
    auto report = admin::importEnrolees(store.store(), rows);
    admin::describeImportReport(report).dump();
  });
  store.reset();
  return 0;
}
