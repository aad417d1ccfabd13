#pragma once
// The CoAPS binding's client (PROTOCOL.md 7): a DTLS-PSK session with a server, as a
// transport::SecureChannel (the Enrolee's procedures speak only that). libcoap over OpenSSL; Block1
// and Block2 are libcoap's; the requester's ID travels in oneM2M-FR (279).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tls/certificate_profile.hpp"
#include "tls/psk_profile.hpp"
#include "transport/secure_channel.hpp"

namespace rspf::transport {

struct CoapsEndpoint {
  std::string host;  // an IPv4 address or a name
  std::uint16_t port = 5684;
};
// "coaps://host[:port][/...]"; nullopt when malformed.
std::optional<CoapsEndpoint> parseCoapsUrl(std::string_view url);

class CoapsClient final : public SecureChannel {
 public:
  // Completes the DTLS handshake; throws Error(Unavailable) when nobody answers, Error(Tls) when the
  // handshake is refused. GBA keys (credentials.pskForCipherSuite) are derived once the server has
  // chosen the suite.
  CoapsClient(const CoapsEndpoint& endpoint, const tls::PskClientSettings& settings,
              tls::PskClientCredentials credentials, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The certificate frameworks (ECDHE-ECDSA): presents `credentials`' certificate; before anything is
  // sent, the server's chain is verified against its anchors (and CRLs) and must name `serverName`
  // (also the SNI), and the suite must be one of tls::dtlsCertificateSuites. Error(Tls) otherwise.
  CoapsClient(const CoapsEndpoint& endpoint, const std::string& serverName,
              const tls::CertificateClientCredentials& credentials,
              std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~CoapsClient() override;
  CoapsClient(const CoapsClient&) = delete;
  CoapsClient& operator=(const CoapsClient&) = delete;

  Response send(const Request& request, std::string_view what) override;
  crypto::SecretBytes exportKeyingMaterial(std::string_view label, std::size_t length) override;
  std::string_view scheme() const override { return "coaps"; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rspf::transport
