#pragma once
// The Milenage algorithm set (3GPP TS 35.206 clause 4): the authentication functions f1, f1* and
// key generation functions f2, f3, f4, f5, f5* of 3G AKA (TS 33.102 6.3), over AES-128 (the kernel
// E_K) from OpenSSL. Checked against the TS 35.207 / 35.208 test sets.
#include <array>
#include <cstdint>

#include "crypto/secret_bytes.hpp"

namespace rspf::crypto {

inline constexpr std::size_t kMilenageKeySize = 16;  // K, OP, OPc
inline constexpr std::size_t kRandSize = 16;
inline constexpr std::size_t kSqnSize = 6;
inline constexpr std::size_t kAmfSize = 2;
inline constexpr std::size_t kMacSize = 8;  // MAC-A, MAC-S
inline constexpr std::size_t kResSize = 8;  // RES (f2, 64 bits)
inline constexpr std::size_t kAkSize = 6;   // AK, AK*
inline constexpr std::size_t kCkIkSize = 16;

// OPc = OP xor E_K(OP) (TS 35.206 4.1). Throws Error(BadRequest) unless K and OP are 16 bytes.
SecretBytes deriveOpc(const SecretBytes& k, ByteView op);

// The outputs of f2..f5 for one RAND (TS 35.206 4.1: OUT2..OUT4).
struct MilenageKeys {
  SecretBytes res;  // f2
  SecretBytes ck;   // f3
  SecretBytes ik;   // f4
  SecretBytes ak;   // f5
};

class Milenage {
 public:
  Milenage(SecretBytes k, SecretBytes opc);  // both 16 bytes, else Error(BadRequest)

  Bytes f1(ByteView rand, ByteView sqn, ByteView amf) const;      // MAC-A
  Bytes f1star(ByteView rand, ByteView sqn, ByteView amf) const;  // MAC-S (resynchronisation)
  MilenageKeys f2345(ByteView rand) const;
  SecretBytes f5star(ByteView rand) const;  // AK* (resynchronisation)

 private:
  Bytes out1(ByteView rand, ByteView sqn, ByteView amf) const;
  SecretBytes temp(ByteView rand) const;
  SecretBytes outN(const SecretBytes& temp, int rotateBits, std::uint8_t constant) const;

  SecretBytes k_;
  SecretBytes opc_;
};

}  // namespace rspf::crypto
