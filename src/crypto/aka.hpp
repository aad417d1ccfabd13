#pragma once
// 3G Authentication and Key Agreement over Milenage (3GPP TS 33.102 6.3): the home network's
// authentication vector, the USIM's check of AUTN, and resynchronisation by AUTS.
//
// Sequence numbers follow a simplified TS 33.102 annex C.1 scheme without the IND index (project
// choice, docs/protocol.md): the HSS adds 1 per vector; the USIM accepts SQN when
// SQN_MS < SQN <= SQN_MS + window (annex C.2.2's limit L on the gap, default 2^28).
#include <cstdint>
#include <optional>

#include "crypto/milenage.hpp"

namespace rspf::crypto {

inline constexpr std::size_t kAutnSize = kSqnSize + kAmfSize + kMacSize;  // 16
inline constexpr std::size_t kAutsSize = kSqnSize + kMacSize;             // 14
inline constexpr std::uint64_t kMaxSqn = (std::uint64_t{1} << 48) - 1;
inline constexpr std::uint64_t kDefaultSqnWindow = std::uint64_t{1} << 28;

Bytes sqnBytes(std::uint64_t sqn);  // 6 bytes, big-endian
std::uint64_t sqnValue(ByteView sqn);

// AV = RAND || XRES || CK || IK || AUTN, AUTN = SQN xor AK || AMF || MAC (TS 33.102 6.3.2).
struct AuthenticationVector {
  Bytes rand;
  Bytes autn;
  SecretBytes xres;
  SecretBytes ck;
  SecretBytes ik;
};
AuthenticationVector generateAuthenticationVector(const Milenage& milenage, ByteView rand, std::uint64_t sqn,
                                                  ByteView amf);

// The USIM's answer to (RAND, AUTN) (TS 33.102 6.3.3).
struct AkaResult {
  enum class Outcome { Success, MacFailure, SynchronisationFailure };
  Outcome outcome = Outcome::MacFailure;
  SecretBytes res, ck, ik;  // Success
  std::uint64_t sqn = 0;    // Success: the accepted SQN, the USIM's new SQN_MS
  Bytes auts;               // SynchronisationFailure: SQN_MS xor AK* || MAC-S
};
AkaResult authenticate(const Milenage& milenage, ByteView rand, ByteView autn, std::uint64_t sqnMs,
                       std::uint64_t window = kDefaultSqnWindow);

// The HSS's side of resynchronisation (TS 33.102 6.3.5): SQN_MS from AUTS, or nullopt when MAC-S
// (f1* with AMF = 0x0000) does not verify.
std::optional<std::uint64_t> sqnFromAuts(const Milenage& milenage, ByteView rand, ByteView auts);

}  // namespace rspf::crypto
