#pragma once
// The CoAPS baseline's server: the least a DTLS 1.2 PSK CoAP server can do, on the same library and
// suites as the MEF's CoAPS listener (libcoap 4.3.1 over OpenSSL, transport/coaps/libcoap_support's
// restriction to the profile's suites) but nothing of rspf's: one fixed PSK for every identity, no
// peer, no store, every request answered 2.04 with the same JSON body. One network thread.
#include <coap3/coap.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "crypto/secret_bytes.hpp"

namespace rspf::bench {

class RawCoapsServer {
 public:
  // Binds 127.0.0.1:0 (UDP) at once; serves from start() until stop().
  RawCoapsServer(crypto::SecretBytes psk, std::string serverName, std::string body = "{\"Status\":true}");
  ~RawCoapsServer();
  RawCoapsServer(const RawCoapsServer&) = delete;
  RawCoapsServer& operator=(const RawCoapsServer&) = delete;

  std::uint16_t port() const { return port_; }
  void start();
  void stop();
  std::uint64_t served() const { return served_.load(); }

 private:
  static void onRequest(coap_resource_t*, coap_session_t* session, const coap_pdu_t*, const coap_string_t*,
                        coap_pdu_t* response);

  crypto::SecretBytes psk_;
  std::string body_;
  coap_context_t* context_ = nullptr;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> served_{0};
  std::thread thread_;
};

}  // namespace rspf::bench
