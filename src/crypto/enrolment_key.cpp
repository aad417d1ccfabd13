#include "crypto/enrolment_key.hpp"

#include <stdexcept>

#include "crypto/encoding.hpp"
#include "crypto/identifiers.hpp"
#include "crypto/primitives.hpp"

namespace rspf::crypto {

SecretBytes deriveKre(ByteView ke) { return hmacSha256(ke, {asBytes(kKreLabel)}); }

std::string deriveKreId(ByteView ke, std::string_view mefFqdn) {
  SecretBytes mac = hmacSha256(ke, {asBytes(kKreIdLabel)});
  return makeKeId(toHex(mac.view().first(kRelativeKeIdSize)), mefFqdn);
}

EnrolmentKeyMaterial deriveEnrolmentKeyMaterial(ByteView x, std::string_view mefFqdn) {
  if (x.size() != kExporterLength) throw std::invalid_argument("exporter output must be 48 bytes");
  EnrolmentKeyMaterial m;
  m.relativeKeId = toHex(x.first(kRelativeKeIdSize));
  m.ke = SecretBytes(x.subspan(kRelativeKeIdSize));
  m.keId = makeKeId(m.relativeKeId, mefFqdn);
  m.kre = deriveKre(m.ke.view());
  m.kreId = deriveKreId(m.ke.view(), mefFqdn);
  return m;
}

}  // namespace rspf::crypto
