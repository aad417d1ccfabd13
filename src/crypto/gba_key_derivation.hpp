#pragma once
// GBA key derivation (3GPP TS 33.220 annex B, PROTOCOL.md section 6): the NAF-specific keys from
// Ks = CK || IK, NAF_Id (annex H), and the B-TID (4.5.2).
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/secret_bytes.hpp"

namespace rspf::crypto {

// TS 33.220 annex H: organization octet 0x01 (3GPP), protocol 0x00 0x01 (TLS per TS 33.222),
// then the 2-byte TLS cipher suite.
inline constexpr std::uint8_t kUaProtocolIdTls[3] = {0x01, 0x00, 0x01};

enum class GbaKeyKind {
  Me,  // Ks_NAF (GBA_ME) and Ks_ext_NAF (GBA_U): P0 = "gba-me"
  U,   // Ks_int_NAF (GBA_U): P0 = "gba-u"
};

// NAF_Id = FQDN || Ua security protocol identifier (TS 33.220 annex H; TS 33.222 5.4.0.1).
Bytes nafId(std::string_view nafFqdn, std::uint16_t tlsCipherSuite);
// The FQDN part of a NAF_Id of the TLS form above; empty when `nafId` is not of that form.
std::string nafFqdnOf(ByteView nafId);

// Ks = CK || IK (TS 33.220 4.5.2 step 8).
SecretBytes bootstrappedKey(const SecretBytes& ck, const SecretBytes& ik);

// KDF(Ks, P0, RAND, IMPI, NAF_Id) = HMAC-SHA-256(Ks, 0x01 || P0 || L0 || RAND || L1 || IMPI || L2 ||
// NAF_Id || L3) (TS 33.220 B.2, B.3).
SecretBytes deriveNafKey(const SecretBytes& ks, GbaKeyKind kind, ByteView rand, std::string_view impi, ByteView nafId);

// B-TID = base64(RAND) "@" BSF-FQDN (TS 33.220 4.5.2 step 6).
std::string bootstrappingTransactionId(ByteView rand, std::string_view bsfFqdn);

// TLS-PSK with a NAF (TS 33.222 5.4; TS 24.109 annex F): the server's psk_identity_hint, and the
// client's psk_identity = prefix "." B-TID (GBA_U with Ks_int_NAF: the "-uicc" prefix).
inline constexpr const char* kGbaPskIdentityHint = "3GPP-bootstrapping";
inline constexpr std::string_view kGbaPskIdentityPrefix = "3GPP-bootstrapping.";
inline constexpr std::string_view kGbaUiccPskIdentityPrefix = "3GPP-bootstrapping-uicc.";
std::string gbaPskIdentity(std::string_view btid, bool uicc);

}  // namespace rspf::crypto
