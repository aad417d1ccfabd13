#pragma once
// What the CoAPS server and client share about libcoap 4.3.1: its one-time start (its own logging
// off: ours says what happened), the OpenSSL session of a libcoap session, and an option's bytes.
#include <coap3/coap.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <string>

namespace rspf::transport::coap {

void startLibcoap();
SSL* sslOf(const coap_session_t* session);  // null when the session has no OpenSSL DTLS state
// The value of option `number` in `pdu`; `present` says whether it was there.
std::string optionValue(const coap_pdu_t* pdu, std::uint16_t number, bool& present);

}  // namespace rspf::transport::coap
