#pragma once
// The PSK resolver of the transport tests: one device, PSK identity "device", key kDeviceKeyHex,
// authenticated as principal "device" by framework "test".
#include <optional>
#include <string_view>

#include "crypto/encoding.hpp"
#include "tls/psk_identity_resolver.hpp"

namespace rspf::testing {

constexpr const char* kDeviceKeyHex = "00112233445566778899aabbccddeeff";

class OneDevice : public tls::PskIdentityResolver {
 public:
  std::optional<tls::ResolvedPsk> resolve(std::string_view identity) override {
    if (identity != "device") return std::nullopt;
    return tls::ResolvedPsk{crypto::SecretBytes(*crypto::fromHex(kDeviceKeyHex)), "test", "device", {}, {}};
  }
};

}  // namespace rspf::testing
