#pragma once
// What the CoAPS server and client share about libcoap 4.3.1: its one-time start (its own logging
// off: ours says what happened), the OpenSSL session of a libcoap session, an option's bytes, and
// the DTLS profile's suite restriction on a server context.
#include <coap3/coap.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <string>

namespace rspf::transport::coap {

void startLibcoap();
SSL* sslOf(const coap_session_t* session);  // null when the session has no OpenSSL DTLS state
// The value of option `number` in `pdu`; `present` says whether it was there.
std::string optionValue(const coap_pdu_t* pdu, std::uint16_t number, bool& present);
// The SSL_CTX of `context`'s DTLS side (owned by the context), which libcoap keeps to itself: it is
// reached through a client session of this context that is never used (one ClientHello to the
// discard port). Call after coap_context_set_psk2. Throws Error(Config) when it cannot be reached.
SSL_CTX* dtlsContextOf(coap_context_t* context);
// A DTLS endpoint of `context` on host:port (an IPv4 address; port 0: any free one); the port it got.
// Throws Error(Config) for another address or when the address is taken.
std::uint16_t bindDtlsEndpoint(coap_context_t* context, const std::string& host, std::uint16_t port);
// tls::restrictDtlsServer on that SSL_CTX.
void restrictServerSuites(coap_context_t* context, const std::string& serverName, const char* cipherList);

}  // namespace rspf::transport::coap
