#include "raw_coaps_server.hpp"

#include <stdexcept>

#include "tls/dtls_profile.hpp"
#include "transport/coaps/libcoap_support.hpp"

namespace rspf::bench {

RawCoapsServer::RawCoapsServer(crypto::SecretBytes psk, std::string serverName, std::string body)
    : psk_(std::move(psk)), body_(std::move(body)) {
  transport::coap::startLibcoap();
  context_ = coap_new_context(nullptr);
  if (context_ == nullptr) throw std::runtime_error("cannot create a CoAP context");
  coap_set_app_data(context_, this);
  // The MEF listener's session limits, so that neither side keeps more DTLS state than the other.
  coap_context_set_max_idle_sessions(context_, 256);
  coap_context_set_max_handshake_sessions(context_, 256);
  coap_context_set_session_timeout(context_, 30);
  coap_dtls_spsk_t setup{};
  setup.version = COAP_DTLS_SPSK_SETUP_VERSION;
  setup.psk_info.key = {psk_.size(), psk_.data()};
  if (coap_context_set_psk2(context_, &setup) == 0) throw std::runtime_error("libcoap refused the DTLS-PSK setup");
  transport::coap::restrictServerSuites(context_, serverName, tls::kDtlsPskCipherList);

  port_ = transport::coap::bindDtlsEndpoint(context_, "127.0.0.1", 0);
  coap_resource_t* resource = coap_resource_unknown_init2(&RawCoapsServer::onRequest, 0);
  coap_register_handler(resource, COAP_REQUEST_GET, &RawCoapsServer::onRequest);
  coap_register_handler(resource, COAP_REQUEST_POST, &RawCoapsServer::onRequest);
  coap_add_resource(context_, resource);
}

RawCoapsServer::~RawCoapsServer() {
  stop();
  if (context_ != nullptr) coap_free_context(context_);
}

void RawCoapsServer::onRequest(coap_resource_t*, coap_session_t* session, const coap_pdu_t*, const coap_string_t*,
                               coap_pdu_t* response) {
  auto* self = static_cast<RawCoapsServer*>(coap_get_app_data(coap_session_get_context(session)));
  coap_pdu_set_code(response, COAP_RESPONSE_CODE_CHANGED);
  static const std::uint8_t kJson[] = {50};  // Content-Format application/json
  coap_add_option(response, COAP_OPTION_CONTENT_FORMAT, sizeof(kJson), kJson);
  coap_add_data(response, self->body_.size(), reinterpret_cast<const std::uint8_t*>(self->body_.data()));
  ++self->served_;
}

void RawCoapsServer::start() {
  thread_ = std::thread([this] {
    while (!stopping_) coap_io_process(context_, 100);
  });
}

void RawCoapsServer::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace rspf::bench
