#include "transport/coaps/libcoap_support.hpp"

#include <arpa/inet.h>

#include <mutex>

#include "common/error.hpp"
#include "tls/dtls_profile.hpp"

namespace rspf::transport::coap {

void startLibcoap() {
  static std::once_flag once;
  std::call_once(once, [] {
    coap_startup();
    coap_set_log_level(LOG_CRIT);
    coap_dtls_set_log_level(LOG_CRIT);
  });
}

SSL* sslOf(const coap_session_t* session) {
  coap_tls_library_t library = COAP_TLS_LIBRARY_NOTLS;
  void* tls = coap_session_get_tls(session, &library);
  return library == COAP_TLS_LIBRARY_OPENSSL ? static_cast<SSL*>(tls) : nullptr;
}

std::string optionValue(const coap_pdu_t* pdu, std::uint16_t number, bool& present) {
  coap_opt_iterator_t iterator;
  const coap_opt_t* option = coap_check_option(pdu, number, &iterator);
  present = option != nullptr;
  if (option == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(coap_opt_value(option)), coap_opt_length(option));
}

SSL_CTX* dtlsContextOf(coap_context_t* context) {
  coap_address_t nowhere;
  coap_address_init(&nowhere);
  nowhere.addr.sin.sin_family = AF_INET;
  nowhere.addr.sin.sin_port = htons(9);  // discard: nobody answers the one ClientHello
  nowhere.addr.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  nowhere.size = sizeof(nowhere.addr.sin);
  coap_dtls_cpsk_t client{};
  client.version = COAP_DTLS_CPSK_SETUP_VERSION;
  static const std::uint8_t kUnused[] = {'-'};
  client.psk_info.identity = {sizeof(kUnused), kUnused};
  client.psk_info.key = {sizeof(kUnused), kUnused};
  coap_session_t* probe = coap_new_client_session_psk2(context, nullptr, &nowhere, COAP_PROTO_DTLS, &client);
  SSL* ssl = probe ? sslOf(probe) : nullptr;
  if (ssl == nullptr) {
    if (probe) coap_session_release(probe);
    throw Error(ErrorCode::Config, "cannot reach libcoap's DTLS context to restrict its cipher suites");
  }
  SSL_CTX* ctx = SSL_get_SSL_CTX(ssl);
  coap_session_release(probe);
  return ctx;
}

std::uint16_t bindDtlsEndpoint(coap_context_t* context, const std::string& host, std::uint16_t port) {
  coap_address_t address;
  coap_address_init(&address);
  address.addr.sin.sin_family = AF_INET;
  address.addr.sin.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &address.addr.sin.sin_addr) != 1)
    throw Error(ErrorCode::Config, "invalid listen_coaps address '" + host + "' (an IPv4 address)");
  address.size = sizeof(address.addr.sin);
  coap_endpoint_t* endpoint = coap_new_endpoint(context, &address, COAP_PROTO_DTLS);
  if (endpoint == nullptr)
    throw Error(ErrorCode::Config, "cannot listen on " + host + ":" + std::to_string(port) + " (UDP, CoAPS)");
  std::string bound = coap_endpoint_str(endpoint);
  return static_cast<std::uint16_t>(std::stoi(bound.substr(bound.rfind(':') + 1)));
}

void restrictServerSuites(coap_context_t* context, const std::string& serverName, const char* cipherList) {
  tls::restrictDtlsServer(dtlsContextOf(context), serverName, cipherList);
}

}  // namespace rspf::transport::coap
