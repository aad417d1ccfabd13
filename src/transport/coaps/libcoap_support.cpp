#include "transport/coaps/libcoap_support.hpp"

#include <mutex>

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

}  // namespace rspf::transport::coap
