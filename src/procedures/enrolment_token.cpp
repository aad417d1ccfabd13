#include "procedures/enrolment_token.hpp"

#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"

namespace rspf::procedures {

IssuedEnrolmentToken issueEnrolmentToken(std::string boundEnroleeId, std::string auxInfo,
                                         std::optional<TimePoint> expiresAt) {
  IssuedEnrolmentToken issued;
  auto random = crypto::randomSecret(kEnrolmentTokenRandomBytes);
  issued.value = "et-" + crypto::toBase64Url(random.view());
  issued.record.tokenId = crypto::toHex(crypto::randomBytes(6));
  issued.record.tokenHash = hashEnrolmentToken(issued.value);
  issued.record.boundEnroleeId = std::move(boundEnroleeId);
  issued.record.auxInfo = std::move(auxInfo);
  issued.record.createdAt = now();
  issued.record.expiresAt = expiresAt;
  return issued;
}

crypto::Bytes hashEnrolmentToken(std::string_view value) { return crypto::sha256(crypto::asBytes(value)); }

}  // namespace rspf::procedures
