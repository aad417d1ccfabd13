#include "crypto/aka.hpp"

#include "common/error.hpp"

namespace rspf::crypto {
namespace {

// The resynchronisation MAC-S is computed with a dummy AMF of all zeros (TS 33.102 6.3.3).
constexpr std::uint8_t kResyncAmf[kAmfSize] = {0, 0};

}  // namespace

Bytes sqnBytes(std::uint64_t sqn) {
  Bytes out(kSqnSize);
  for (std::size_t i = 0; i < kSqnSize; ++i) out[kSqnSize - 1 - i] = static_cast<std::uint8_t>(sqn >> (8 * i));
  return out;
}

std::uint64_t sqnValue(ByteView sqn) {
  std::uint64_t value = 0;
  for (auto b : sqn) value = (value << 8) | b;
  return value;
}

AuthenticationVector generateAuthenticationVector(const Milenage& milenage, ByteView rand, std::uint64_t sqn,
                                                  ByteView amf) {
  if (sqn > kMaxSqn) throw Error(ErrorCode::Internal, "SQN exceeds 48 bits");
  Bytes sqnOctets = sqnBytes(sqn);
  Bytes mac = milenage.f1(rand, sqnOctets, amf);
  MilenageKeys keys = milenage.f2345(rand);
  AuthenticationVector av;
  av.rand.assign(rand.begin(), rand.end());
  av.autn.resize(kAutnSize);
  for (std::size_t i = 0; i < kSqnSize; ++i) av.autn[i] = sqnOctets[i] ^ keys.ak.data()[i];
  av.autn[6] = amf[0];
  av.autn[7] = amf[1];
  std::copy(mac.begin(), mac.end(), av.autn.begin() + 8);
  av.xres = std::move(keys.res);
  av.ck = std::move(keys.ck);
  av.ik = std::move(keys.ik);
  return av;
}

AkaResult authenticate(const Milenage& milenage, ByteView rand, ByteView autn, std::uint64_t sqnMs,
                       std::uint64_t window) {
  if (autn.size() != kAutnSize) throw Error(ErrorCode::BadRequest, "AUTN must be 16 bytes");
  MilenageKeys keys = milenage.f2345(rand);
  Bytes sqnOctets(kSqnSize);
  for (std::size_t i = 0; i < kSqnSize; ++i) sqnOctets[i] = autn[i] ^ keys.ak.data()[i];
  ByteView amf = autn.subspan(6, kAmfSize);
  Bytes xmac = milenage.f1(rand, sqnOctets, amf);
  AkaResult result;
  if (!constantTimeEqual(xmac, autn.subspan(8, kMacSize))) {
    result.outcome = AkaResult::Outcome::MacFailure;
    return result;
  }
  std::uint64_t sqn = sqnValue(sqnOctets);
  if (sqn <= sqnMs || sqn - sqnMs > window) {
    // AUTS = SQN_MS xor AK* || MAC-S (TS 33.102 6.3.3).
    SecretBytes akStar = milenage.f5star(rand);
    Bytes sqnMsOctets = sqnBytes(sqnMs);
    Bytes macS = milenage.f1star(rand, sqnMsOctets, kResyncAmf);
    result.outcome = AkaResult::Outcome::SynchronisationFailure;
    result.auts.resize(kAutsSize);
    for (std::size_t i = 0; i < kSqnSize; ++i) result.auts[i] = sqnMsOctets[i] ^ akStar.data()[i];
    std::copy(macS.begin(), macS.end(), result.auts.begin() + kSqnSize);
    return result;
  }
  result.outcome = AkaResult::Outcome::Success;
  result.res = std::move(keys.res);
  result.ck = std::move(keys.ck);
  result.ik = std::move(keys.ik);
  result.sqn = sqn;
  return result;
}

std::optional<std::uint64_t> sqnFromAuts(const Milenage& milenage, ByteView rand, ByteView auts) {
  if (auts.size() != kAutsSize) return std::nullopt;
  SecretBytes akStar = milenage.f5star(rand);
  Bytes sqnMsOctets(kSqnSize);
  for (std::size_t i = 0; i < kSqnSize; ++i) sqnMsOctets[i] = auts[i] ^ akStar.data()[i];
  Bytes xmacS = milenage.f1star(rand, sqnMsOctets, kResyncAmf);
  if (!constantTimeEqual(xmacS, auts.subspan(kSqnSize, kMacSize))) return std::nullopt;
  return sqnValue(sqnMsOctets);
}

}  // namespace rspf::crypto
