#include "crypto/gba_key_derivation.hpp"

#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"

namespace rspf::crypto {
namespace {

void appendLength(Bytes& out, std::size_t length) {
  if (length > 0xffff) throw Error(ErrorCode::BadRequest, "a GBA key derivation input exceeds 65535 bytes");
  out.push_back(static_cast<std::uint8_t>(length >> 8));
  out.push_back(static_cast<std::uint8_t>(length));
}

void appendParameter(Bytes& out, ByteView value) {
  out.insert(out.end(), value.begin(), value.end());
  appendLength(out, value.size());
}

}  // namespace

Bytes nafId(std::string_view nafFqdn, std::uint16_t tlsCipherSuite) {
  Bytes out(nafFqdn.begin(), nafFqdn.end());
  out.insert(out.end(), std::begin(kUaProtocolIdTls), std::end(kUaProtocolIdTls));
  out.push_back(static_cast<std::uint8_t>(tlsCipherSuite >> 8));
  out.push_back(static_cast<std::uint8_t>(tlsCipherSuite));
  return out;
}

std::string nafFqdnOf(ByteView id) {
  constexpr std::size_t kSuffix = sizeof(kUaProtocolIdTls) + 2;
  if (id.size() <= kSuffix) return {};
  auto protocol = id.subspan(id.size() - kSuffix, sizeof(kUaProtocolIdTls));
  if (!std::equal(protocol.begin(), protocol.end(), std::begin(kUaProtocolIdTls))) return {};
  return std::string(id.begin(), id.end() - kSuffix);
}

SecretBytes bootstrappedKey(const SecretBytes& ck, const SecretBytes& ik) {
  SecretBytes ks(ck.size() + ik.size());
  std::copy(ck.view().begin(), ck.view().end(), ks.data());
  std::copy(ik.view().begin(), ik.view().end(), ks.data() + ck.size());
  return ks;
}

SecretBytes deriveNafKey(const SecretBytes& ks, GbaKeyKind kind, ByteView rand, std::string_view impi,
                         ByteView nafIdentifier) {
  Bytes s{0x01};  // FC
  appendParameter(s, asBytes(kind == GbaKeyKind::Me ? "gba-me" : "gba-u"));
  appendParameter(s, rand);
  appendParameter(s, asBytes(impi));
  appendParameter(s, nafIdentifier);
  return hmacSha256(ks.view(), {s});
}

std::string bootstrappingTransactionId(ByteView rand, std::string_view bsfFqdn) {
  return toBase64(rand) + "@" + std::string(bsfFqdn);
}

std::string gbaPskIdentity(std::string_view btid, bool uicc) {
  return std::string(uicc ? kGbaUiccPskIdentityPrefix : kGbaPskIdentityPrefix) + std::string(btid);
}

}  // namespace rspf::crypto
