#pragma once
// Revocation of certificates the embedded CA issued (issue 3; RFC 5280 5): an administrator revokes
// by serial number; the MEF's Certificate-Based framework refuses a revoked certificate at once (it
// reads the store), and a CRL signed by the CA carries the revocation to relying parties (targets,
// MAFs, an upstream deployment) that check CRLs.
#include <chrono>
#include <string>
#include <string_view>

#include "crypto/secret_bytes.hpp"
#include "store/key_encryption_key.hpp"
#include "store/store.hpp"

namespace rspf::procedures {

// `reason` is an RFC 5280 5.3.1 CRLReason name ("unspecified", "keyCompromise", "cACompromise",
// "affiliationChanged", "superseded", "cessationOfOperation", "privilegeWithdrawn").
// Throws Error(BadRequest) for another reason, Error(NotFound) for an unknown serial,
// Error(Conflict) when the certificate is already revoked. Returns the certificate's record.
store::IssuedCertificateRecord revokeCertificate(store::Store& store, std::string_view serialHex,
                                                 std::string_view reason);

// A CRL (DER) of the embedded CA `label` listing every certificate it issued and that was revoked,
// with nextUpdate `validity` from now. Throws Error(NotFound) when there is no such CA.
crypto::Bytes certificateRevocationList(store::Store& store, const store::KeyEncryptionKey& kek,
                                        const std::string& label, std::chrono::seconds validity);

}  // namespace rspf::procedures
