#pragma once
// Enrolment Key Generation (seed 8.3.3.2; TS-0003 10.3.1, 10.3.4; PROTOCOL.md section 3).
#include <string>
#include <string_view>

#include "crypto/secret_bytes.hpp"

namespace rspf::crypto {

// RFC 5705 exporter parameters: label, 48 bytes, no context (project choice).
inline constexpr std::string_view kExporterLabel = "EXPORTER-oneM2M-Bootstrap";
inline constexpr std::size_t kExporterLength = 48;

inline constexpr std::string_view kKreLabel = "oneM2M Enrolment Key to Re-authentication Key derivation";
inline constexpr std::string_view kKreIdLabel = "oneM2M Enrolment Key to Re-authentication Key Identifier derivation";

struct EnrolmentKeyMaterial {
  std::string relativeKeId;  // lowercase hex of X[0..15]
  SecretBytes ke;            // X[16..47]
  std::string keId;          // relativeKeId "@" MEF-FQDN
  SecretBytes kre;           // HMAC(Ke, kKreLabel)
  std::string kreId;         // hex(HMAC(Ke, kKreIdLabel)[0..15]) "@" MEF-FQDN
};

// Throws std::invalid_argument unless exporterOutput is 48 bytes.
EnrolmentKeyMaterial deriveEnrolmentKeyMaterial(ByteView exporterOutput, std::string_view mefFqdn);

// Kre and KreId from a stored Ke.
SecretBytes deriveKre(ByteView ke);
std::string deriveKreId(ByteView ke, std::string_view mefFqdn);

}  // namespace rspf::crypto
