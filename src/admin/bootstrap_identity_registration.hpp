#pragma once
// Registration information of Enrolees that do not bootstrap with a pre-provisioned key
// (TS-0003 8.1.2.4; seed 8.3.2.3), checked before it reaches the store.
#include <string>
#include <string_view>

#include "store/records.hpp"

namespace rspf::admin {

// A raw public key Enrolee: `keyOrNi` is an RFC 6920 ni URI, or a public key or certificate (PEM or
// DER) whose key is registered by its ni name. Throws Error(BadRequest) naming what is wrong.
store::BootstrapIdentity rawPublicKeyIdentity(std::string_view keyOrNi);
// A device certificate Enrolee: the device ID (an OID or a URN, as the certificate's subjectAltName
// carries it) and the trust anchor(s) its certificate chains to (PEM). Throws Error(BadRequest).
store::BootstrapIdentity deviceCertificateIdentity(std::string_view deviceId, std::string_view trustAnchorPem);
// A GBA Enrolee: its IMPI (the BSF's subscriber, seed 8.3.2.3). Throws Error(BadRequest).
store::BootstrapIdentity gbaIdentity(std::string_view impi);

}  // namespace rspf::admin
