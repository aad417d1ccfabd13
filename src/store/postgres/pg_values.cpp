#include "store/postgres/pg_values.hpp"

namespace rspf::store::postgres {

bool storableText(std::string_view text) {
  std::size_t i = 0;
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  while (i < text.size()) {
    const unsigned char c = byte(i);
    std::size_t length = 0;
    std::uint32_t min = 0;
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0)
      length = 2, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
      length = 3, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
      length = 4, min = 0x10000;
    else
      return false;
    if (i + length > text.size()) return false;
    std::uint32_t code = c & (0xFF >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return false;
      code = (code << 6) | (byte(i + k) & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

AuditEntry auditEntry(const pqxx::row& r) {
  return {static_cast<std::uint64_t>(integer(r[0])),
          time(r[1]),
          text(r[2]),
          text(r[3]),
          text(r[4]),
          text(r[5]),
          text(r[6])};
}

}  // namespace rspf::store::postgres
