#pragma once
// A TLS-PSK HTTPS client connection (Enrolee -> MEF, Enrolee -> Target, Target -> MEF).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tls/certificate_profile.hpp"
#include "tls/psk_profile.hpp"
#include "transport/https/http_message.hpp"
#include "transport/secure_channel.hpp"

namespace rspf::transport {

struct HttpsEndpoint {
  std::string host;
  std::uint16_t port = 443;
};
// "https://host[:port][/...]"; nullopt when malformed.
std::optional<HttpsEndpoint> parseHttpsUrl(std::string_view url);

class HttpsClient final : public SecureChannel {
 public:
  // Connects and completes the handshake; throws Error(Unavailable) when the server cannot be
  // reached and Error(Tls) with a readable reason when the handshake fails.
  HttpsClient(const HttpsEndpoint& endpoint, const tls::PskClientSettings& settings,
              tls::PskClientCredentials credentials, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Certificate authentication (ECDHE-ECDSA, mutual): the server's certificate must chain to
  // `credentials.serverTrustAnchors` and name `serverName` (TS-0003 8.1.2.5; RFC 6125).
  HttpsClient(const HttpsEndpoint& endpoint, const std::string& serverName,
              const tls::CertificateClientCredentials& credentials,
              std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpsClient() override;
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  HttpResponse request(const HttpRequest& request);
  // SecureChannel: the request through the HTTP codec (transport/https/http_codec.hpp).
  Response send(const Request& request, std::string_view what) override;
  crypto::SecretBytes exportKeyingMaterial(std::string_view label, std::size_t length) override;
  std::string_view scheme() const override { return "https"; }
  std::string cipherName() const;
  std::string protocolVersion() const;

 private:
  struct Impl;
  void connectAndHandshake(const HttpsEndpoint& endpoint);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rspf::transport
