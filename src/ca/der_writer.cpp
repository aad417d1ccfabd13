#include "ca/der_writer.hpp"

#include <algorithm>

#include "ca/general_names.hpp"

namespace rspf::ca::der {
namespace {

constexpr std::uint8_t kSequence = 0x30;
constexpr std::uint8_t kSet = 0x31;
constexpr std::uint8_t kUtf8String = 0x0c;

Bytes concatenated(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace

Bytes tlv(std::uint8_t tag, ByteView content) {
  Bytes out{tag};
  std::size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    Bytes length;
    for (; n > 0; n >>= 8) length.push_back(static_cast<std::uint8_t>(n & 0xff));
    std::reverse(length.begin(), length.end());
    out.push_back(static_cast<std::uint8_t>(0x80 | length.size()));
    out.insert(out.end(), length.begin(), length.end());
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

Bytes sequence(std::initializer_list<ByteView> elements) { return tlv(kSequence, concatenated(elements)); }

Bytes sequenceOf(const std::vector<Bytes>& elements) {
  Bytes content;
  for (const auto& e : elements) content.insert(content.end(), e.begin(), e.end());
  return tlv(kSequence, content);
}

Bytes set(std::initializer_list<ByteView> elements) { return tlv(kSet, concatenated(elements)); }

Bytes objectIdentifier(std::string_view dotted) {
  auto object = objectFromDotted(dotted);
  return toDer(i2d_ASN1_OBJECT, object.get(), "cannot encode an OID");
}

Bytes utf8String(std::string_view text) { return tlv(kUtf8String, crypto::asBytes(text)); }

}  // namespace rspf::ca::der
