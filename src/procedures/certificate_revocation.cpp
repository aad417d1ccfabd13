#include "procedures/certificate_revocation.hpp"

#include <algorithm>
#include <array>

#include "common/error.hpp"
#include "crypto/identifiers.hpp"
#include "procedures/certificate_enrolment.hpp"

namespace rspf::procedures {
namespace {

// RFC 5280 5.3.1, without certificateHold and removeFromCRL: a revocation here is final.
constexpr std::array<std::string_view, 7> kReasons = {"unspecified",        "keyCompromise", "cACompromise",
                                                      "affiliationChanged", "superseded",    "cessationOfOperation",
                                                      "privilegeWithdrawn"};

}  // namespace

store::IssuedCertificateRecord revokeCertificate(store::Store& store, std::string_view serialHex,
                                                 std::string_view reason) {
  if (std::find(kReasons.begin(), kReasons.end(), reason) == kReasons.end())
    throw Error(ErrorCode::BadRequest,
                "revocation reason must be one of unspecified, keyCompromise, cACompromise, "
                "affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn");
  const std::string serial = crypto::toLower(serialHex);
  auto issued = store.findIssuedCertificate(serial);
  if (!issued) throw Error(ErrorCode::NotFound, "no certificate with serial number " + serial + " was issued here");
  if (issued->revokedAt) throw Error(ErrorCode::Conflict, "certificate " + serial + " is already revoked");
  if (!store.revokeCertificate(serial, reason, now()))
    throw Error(ErrorCode::Conflict, "certificate " + serial + " is already revoked");
  return *store.findIssuedCertificate(serial);
}

crypto::Bytes certificateRevocationList(store::Store& store, const store::KeyEncryptionKey& kek,
                                        const std::string& label, std::chrono::seconds validity) {
  auto ca = loadCertificateAuthority(store, kek, label);
  if (!ca) throw Error(ErrorCode::NotFound, "no Certificate Authority labelled '" + label + "'");
  std::vector<std::string> serials;
  // A superseded certificate still in its grace (issue 10 item 6) is listed once the grace is over.
  for (const auto& revoked : store.listRevokedCertificates(label))
    if (revoked.revokedAt && *revoked.revokedAt <= now()) serials.push_back(revoked.serialHex);
  return ca->createCrl(serials, now() + validity);
}

}  // namespace rspf::procedures
