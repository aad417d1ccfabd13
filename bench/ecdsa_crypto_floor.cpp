#include "ecdsa_crypto_floor.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>
#include <vector>

#include "ca/key_pair.hpp"

namespace rspf::bench {
namespace {

using Clock = std::chrono::steady_clock;

// What a TLS handshake signs: a few hundred bytes of transcript or parameters.
constexpr std::array<unsigned char, 256> kMessage{};

std::vector<unsigned char> sign(EVP_PKEY& key) {
  ca::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, &key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, kMessage.data(), kMessage.size()) != 1)
    throw std::runtime_error("crypto floor: ECDSA signing failed");
  std::vector<unsigned char> signature(length);
  if (EVP_DigestSign(ctx.get(), signature.data(), &length, kMessage.data(), kMessage.size()) != 1)
    throw std::runtime_error("crypto floor: ECDSA signing failed");
  signature.resize(length);
  return signature;
}

void verify(EVP_PKEY& key, const std::vector<unsigned char>& signature) {
  ca::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, &key) != 1 ||
      EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), kMessage.data(), kMessage.size()) != 1)
    throw std::runtime_error("crypto floor: ECDSA verification failed");
}

void derive(EVP_PKEY& own, EVP_PKEY& peer) {
  ca::OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free> ctx(EVP_PKEY_CTX_new(&own, nullptr));
  std::array<unsigned char, 32> secret{};
  std::size_t length = secret.size();
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), &peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), secret.data(), &length) != 1)
    throw std::runtime_error("crypto floor: ECDH derivation failed");
}

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

CryptoFloor measureCryptoFloor(std::chrono::milliseconds duration) {
  auto signer = ca::generateP256Key();
  auto other = ca::generateP256Key();
  auto peer = ca::generateP256Key();
  auto signature = sign(*signer);

  CryptoFloor floor;
  const auto start = Clock::now();
  const auto deadline = start + duration;
  while (floor.iterations < 20 || Clock::now() < deadline) {
    sign(*signer);
    auto second = sign(*other);
    verify(*signer, signature);
    verify(*other, second);
    verify(*signer, signature);
    derive(*other, *peer);
    ++floor.iterations;
  }
  floor.seconds = since(start);

  // Each operation alone, for the report.
  constexpr int kEach = 200;
  auto t = Clock::now();
  for (int i = 0; i < kEach; ++i) sign(*signer);
  floor.signUs = since(t) * 1e6 / kEach;
  t = Clock::now();
  for (int i = 0; i < kEach; ++i) verify(*signer, signature);
  floor.verifyUs = since(t) * 1e6 / kEach;
  t = Clock::now();
  for (int i = 0; i < kEach; ++i) derive(*other, *peer);
  floor.deriveUs = since(t) * 1e6 / kEach;
  return floor;
}

}  // namespace rspf::bench
