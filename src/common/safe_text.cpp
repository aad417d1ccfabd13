#include "common/safe_text.hpp"

#include <nlohmann/json.hpp>

namespace rspf {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026

// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629 section 4), or 0.
std::size_t sequenceLength(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto continuation = [&](std::size_t k, unsigned char low = 0x80, unsigned char high = 0xBF) {
    return k < s.size() && byte(k) >= low && byte(k) <= high;
  };
  unsigned char b = byte(i);
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return continuation(i + 1) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    unsigned char low = b == 0xE0 ? 0xA0 : 0x80, high = b == 0xED ? 0x9F : 0xBF;  // no overlongs, no surrogates
    return continuation(i + 1, low, high) && continuation(i + 2) ? 3 : 0;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    unsigned char low = b == 0xF0 ? 0x90 : 0x80, high = b == 0xF4 ? 0x8F : 0xBF;
    return continuation(i + 1, low, high) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
  }
  return 0;
}

}  // namespace

std::string safeErrorText(std::string_view text, std::size_t maxBytes) {
  std::string out;
  out.reserve(std::min(text.size(), maxBytes));
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = sequenceLength(text, i);
    bool control = n == 1 && (static_cast<unsigned char>(text[i]) < 0x20 || text[i] == 0x7F);
    std::string_view piece = n == 0 || control ? kReplacement : text.substr(i, n);
    if (out.size() + piece.size() > maxBytes) {
      while (!out.empty() && out.size() + kEllipsis.size() > maxBytes) {
        // Drop whole characters from the end: continuation bytes first, then their lead byte.
        while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
        if (!out.empty()) out.pop_back();
      }
      if (out.size() + kEllipsis.size() <= maxBytes) out += kEllipsis;
      return out;
    }
    out += piece;
    i += n == 0 ? 1 : n;
  }
  return out;
}

std::string safeJsonDump(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace rspf
