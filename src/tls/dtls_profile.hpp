#pragma once
// The DTLS 1.2 profile of TS-0003 10.2 (PROTOCOL.md 2 and 7) for a binding whose library owns the
// SSL objects (libcoap for CoAPS): the suites, the PSK lookup from inside that library's callback,
// and the per-connection restriction applied before the server chooses a suite.
#include <openssl/ssl.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret_bytes.hpp"
#include "tls/psk_identity_resolver.hpp"

namespace rspf::tls {

// IANA values (RFC 6655, RFC 5487, RFC 7251, RFC 5289).
inline constexpr std::uint16_t kPskWithAes128Ccm8 = 0xC0A8;              // mandatory (PSK frameworks)
inline constexpr std::uint16_t kPskWithAes128GcmSha256 = 0x00A8;         // may be offered
inline constexpr std::uint16_t kEcdheEcdsaWithAes128Ccm8 = 0xC0AE;       // mandatory (certificate frameworks)
inline constexpr std::uint16_t kEcdheEcdsaWithAes128GcmSha256 = 0xC02B;  // may be offered

// The OpenSSL names of the PSK suites above, the mandatory one first.
inline constexpr const char* kDtlsPskCipherList = "PSK-AES128-CCM8:PSK-AES128-GCM-SHA256";
std::vector<std::uint16_t> dtlsPskSuites();
// The certificate suites above, the mandatory one first.
inline constexpr const char* kDtlsEcdsaCipherList = "ECDHE-ECDSA-AES128-CCM8:ECDHE-ECDSA-AES128-GCM-SHA256";
std::vector<std::uint16_t> dtlsCertificateSuites();

// For a library that calls its own PSK callback: asks `resolver` (with the suite the handshake is
// negotiating, for GBA's NAF_Id) and keeps its answer on `ssl` for authenticatedPeerOf. nullopt:
// unknown identity (the handshake fails with unknown_psk_identity).
std::optional<crypto::SecretBytes> resolvePskInHandshake(SSL* ssl, PskIdentityResolver& resolver,
                                                         std::string_view identity);

// Sets `cipherList` on `ctx` (Error(Tls) when OpenSSL refuses it) and installs a ClientHello
// callback that, for every connection and before the suite is chosen, limits the offer to
// `cipherList` (setting it again only on a connection that has a list of its own), the protocol to
// DTLS 1.2 and refuses an SNI other than `serverName` (when both are set), then runs
// `prepareConnection` (when set) on the connection: what the context holds but an SSL object the
// library made before it was configured would miss (the certificate frameworks:
// tls::prepareCertificateConnection). Replaces any ClientHello callback the library had installed.
void restrictDtlsServer(SSL_CTX* ctx, std::string serverName, std::string cipherList,
                        std::function<void(SSL* ssl)> prepareConnection = nullptr);

}  // namespace rspf::tls
