#include "crypto/milenage.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "common/error.hpp"

namespace rspf::crypto {
namespace {

using Block = std::array<std::uint8_t, 16>;

EVP_CIPHER* aes128Ecb() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
  if (cipher == nullptr) throw std::runtime_error("OpenSSL: AES-128-ECB is not available");
  return cipher;
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

// The Milenage kernel E_K: one AES-128 block encryption (TS 35.206 4.1).
SecretBytes encryptBlock(const SecretBytes& k, ByteView block) {
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  SecretBytes out(16);
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex2(ctx.get(), aes128Ecb(), k.data(), nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, block.data(), 16) != 1 || len != 16)
    throw std::runtime_error("OpenSSL: AES-128 block encryption failed");
  return out;
}

void requireSize(ByteView value, std::size_t size, const char* what) {
  if (value.size() != size)
    throw Error(ErrorCode::BadRequest,
                std::string(what) + " must be " + std::to_string(size) + " bytes, not " + std::to_string(value.size()));
}

// Cyclic rotation of a 128-bit value towards the most significant bit by `bits` (a multiple of 8 here).
SecretBytes rotate(const SecretBytes& x, int bits) {
  SecretBytes out(16);
  int bytes = bits / 8;
  for (int i = 0; i < 16; ++i) out.data()[i] = x.data()[(i + bytes) % 16];
  return out;
}

}  // namespace

SecretBytes deriveOpc(const SecretBytes& k, ByteView op) {
  requireSize(k.view(), kMilenageKeySize, "K");
  requireSize(op, kMilenageKeySize, "OP");
  SecretBytes opc = encryptBlock(k, op);
  for (std::size_t i = 0; i < 16; ++i) opc.data()[i] ^= op[i];
  return opc;
}

Milenage::Milenage(SecretBytes k, SecretBytes opc) : k_(std::move(k)), opc_(std::move(opc)) {
  requireSize(k_.view(), kMilenageKeySize, "K");
  requireSize(opc_.view(), kMilenageKeySize, "OPc");
}

SecretBytes Milenage::temp(ByteView rand) const {
  requireSize(rand, kRandSize, "RAND");
  SecretBytes in(16);
  for (std::size_t i = 0; i < 16; ++i) in.data()[i] = rand[i] ^ opc_.data()[i];
  return encryptBlock(k_, in.view());  // TEMP = E_K(RAND xor OPc)
}

// OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc, IN1 = SQN || AMF || SQN || AMF, r1 = 64, c1 = 0.
Bytes Milenage::out1(ByteView rand, ByteView sqn, ByteView amf) const {
  requireSize(sqn, kSqnSize, "SQN");
  requireSize(amf, kAmfSize, "AMF");
  SecretBytes t = temp(rand);
  SecretBytes in1(16);
  for (std::size_t i = 0; i < 6; ++i) in1.data()[i] = in1.data()[i + 8] = sqn[i];
  for (std::size_t i = 0; i < 2; ++i) in1.data()[6 + i] = in1.data()[14 + i] = amf[i];
  for (std::size_t i = 0; i < 16; ++i) in1.data()[i] ^= opc_.data()[i];
  SecretBytes rotated = rotate(in1, 64);
  for (std::size_t i = 0; i < 16; ++i) rotated.data()[i] ^= t.data()[i];
  SecretBytes out = encryptBlock(k_, rotated.view());
  Bytes result(16);
  for (std::size_t i = 0; i < 16; ++i) result[i] = out.data()[i] ^ opc_.data()[i];
  return result;
}

// OUTn = E_K(rot(TEMP xor OPc, rn) xor cn) xor OPc; cn has only its last byte set (TS 35.206 4.1).
SecretBytes Milenage::outN(const SecretBytes& t, int rotateBits, std::uint8_t constant) const {
  SecretBytes x(16);
  for (std::size_t i = 0; i < 16; ++i) x.data()[i] = t.data()[i] ^ opc_.data()[i];
  SecretBytes rotated = rotate(x, rotateBits);
  rotated.data()[15] ^= constant;
  SecretBytes out = encryptBlock(k_, rotated.view());
  for (std::size_t i = 0; i < 16; ++i) out.data()[i] ^= opc_.data()[i];
  return out;
}

Bytes Milenage::f1(ByteView rand, ByteView sqn, ByteView amf) const {
  Bytes out = out1(rand, sqn, amf);
  return Bytes(out.begin(), out.begin() + 8);
}

Bytes Milenage::f1star(ByteView rand, ByteView sqn, ByteView amf) const {
  Bytes out = out1(rand, sqn, amf);
  return Bytes(out.begin() + 8, out.end());
}

MilenageKeys Milenage::f2345(ByteView rand) const {
  SecretBytes t = temp(rand);
  SecretBytes out2 = outN(t, 0, 1);
  MilenageKeys keys;
  keys.ak = SecretBytes(ByteView(out2.data(), kAkSize));
  keys.res = SecretBytes(ByteView(out2.data() + 8, kResSize));
  keys.ck = outN(t, 32, 2);
  keys.ik = outN(t, 64, 4);
  return keys;
}

SecretBytes Milenage::f5star(ByteView rand) const {
  SecretBytes out5 = outN(temp(rand), 96, 8);
  return SecretBytes(ByteView(out5.data(), kAkSize));
}

}  // namespace rspf::crypto
