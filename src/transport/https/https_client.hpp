#pragma once
// A TLS-PSK HTTPS client connection (Enrolee -> MEF, Enrolee -> Target, Target -> MEF).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tls/psk_profile.hpp"
#include "transport/https/http_message.hpp"

namespace rspf::transport {

struct HttpsEndpoint {
  std::string host;
  std::uint16_t port = 443;
};
// "https://host[:port][/...]"; nullopt when malformed.
std::optional<HttpsEndpoint> parseHttpsUrl(std::string_view url);

class HttpsPskClient {
 public:
  // Connects and completes the handshake; throws Error(Unavailable) when the server cannot be
  // reached and Error(Tls) with a readable reason when the handshake fails.
  HttpsPskClient(const HttpsEndpoint& endpoint, const tls::PskClientSettings& settings,
                 tls::PskClientCredentials credentials, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpsPskClient();
  HttpsPskClient(const HttpsPskClient&) = delete;
  HttpsPskClient& operator=(const HttpsPskClient&) = delete;

  HttpResponse request(const HttpRequest& request);
  crypto::SecretBytes exportKeyingMaterial(std::string_view label, std::size_t length);
  std::string cipherName() const;
  std::string protocolVersion() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rspf::transport
