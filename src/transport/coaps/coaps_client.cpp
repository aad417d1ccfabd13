#include "transport/coaps/coaps_client.hpp"

#include <arpa/inet.h>
#include <coap3/coap.h>
#include <netdb.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "tls/dtls_profile.hpp"
#include "transport/coaps/coap_codec.hpp"
#include "transport/coaps/libcoap_support.hpp"
#include "transport/url.hpp"

namespace rspf::transport {
namespace {

using coap::optionValue;
using coap::sslOf;

std::uint16_t suiteOf(SSL* ssl) {
  const SSL_CIPHER* cipher = SSL_get_pending_cipher(ssl);
  if (cipher == nullptr) cipher = SSL_get_current_cipher(ssl);
  return cipher == nullptr ? 0 : SSL_CIPHER_get_protocol_id(cipher);
}

ErrorCode errorOfCode(std::uint8_t code) {
  switch (code) {
    case coap::code(4, 0): return ErrorCode::BadRequest;
    case coap::code(4, 1): return ErrorCode::Unauthorized;
    case coap::code(4, 3): return ErrorCode::Forbidden;
    case coap::code(4, 4): return ErrorCode::NotFound;
    case coap::code(4, 9): return ErrorCode::Conflict;
    case coap::code(4, 13): return ErrorCode::PayloadTooLarge;
    case coap::code(5, 3): return ErrorCode::Unavailable;
    default: return ErrorCode::Internal;
  }
}

void releaseBody(coap_session_t*, void* body) { delete static_cast<std::string*>(body); }

}  // namespace

std::optional<CoapsEndpoint> parseCoapsUrl(std::string_view url) {
  auto parsed = parseUrl(url, "coaps", 5684);
  if (!parsed) return std::nullopt;
  return CoapsEndpoint{std::move(parsed->host), parsed->port};
}

struct CoapsClient::Impl {
  coap_context_t* context = nullptr;
  coap_session_t* session = nullptr;
  std::chrono::milliseconds timeout{};
  tls::PskClientCredentials credentials;
  std::string serverName;
  crypto::SecretBytes derivedKey;  // GBA: for the suite the server chose
  coap_dtls_cpsk_info_t derivedInfo{};
  bool connected = false;
  bool failed = false;
  // The answer to the request in flight.
  bool answered = false;
  std::uint8_t code = 0;
  std::string body;
  std::optional<std::uint32_t> contentFormat, maxAge;

  ~Impl() {
    if (session) coap_session_release(session);
    if (context) coap_free_context(context);
  }

  static Impl* of(const coap_session_t* s) { return static_cast<Impl*>(coap_session_get_app_data(s)); }

  static int onEvent(coap_session_t* s, const coap_event_t event) {
    Impl* self = of(s);
    if (self == nullptr) return 0;
    if (event == COAP_EVENT_DTLS_CONNECTED) self->connected = true;
    if (event == COAP_EVENT_DTLS_ERROR || event == COAP_EVENT_DTLS_CLOSED || event == COAP_EVENT_SESSION_FAILED)
      self->failed = true;
    return 0;
  }

  static coap_response_t onResponse(coap_session_t* s, const coap_pdu_t*, const coap_pdu_t* received,
                                    const coap_mid_t) {
    Impl* self = of(s);
    if (self == nullptr) return COAP_RESPONSE_OK;
    self->code = static_cast<std::uint8_t>(coap_pdu_get_code(received));
    std::size_t length = 0, offset = 0, total = 0;
    const std::uint8_t* data = nullptr;
    self->body.clear();
    if (coap_get_data_large(received, &length, &data, &offset, &total))
      self->body.assign(reinterpret_cast<const char*>(data), length);
    bool present = false;
    auto format = optionValue(received, coap::kOptionContentFormat, present);
    self->contentFormat = present ? coap::decodeUint(format) : std::nullopt;
    auto age = optionValue(received, coap::kOptionMaxAge, present);
    self->maxAge = present ? coap::decodeUint(age) : std::nullopt;
    self->answered = true;
    return COAP_RESPONSE_OK;
  }

  // GBA: Ks_NAF depends on the suite the server chose (TS 33.220 annex H).
  static const coap_dtls_cpsk_info_t* onHint(coap_str_const_t*, coap_session_t* s, void*) {
    Impl* self = of(s);
    SSL* ssl = sslOf(s);
    if (self == nullptr || ssl == nullptr || !self->credentials.pskForCipherSuite) return nullptr;
    try {
      self->derivedKey = self->credentials.pskForCipherSuite(suiteOf(ssl));
    } catch (...) {  // no exception may cross libcoap's C frames
      return nullptr;
    }
    self->derivedInfo.identity = {self->credentials.pskIdentity.size(),
                                  reinterpret_cast<const std::uint8_t*>(self->credentials.pskIdentity.data())};
    self->derivedInfo.key = {self->derivedKey.size(), self->derivedKey.data()};
    return &self->derivedInfo;
  }

  // Resolves `endpoint` and makes the context; the session is the constructor's.
  coap_address_t open(const CoapsEndpoint& endpoint, std::chrono::milliseconds handshakeTimeout) {
    coap::startLibcoap();
    timeout = handshakeTimeout;
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(endpoint.host.c_str(), std::to_string(endpoint.port).c_str(), &hints, &found) != 0 || !found)
      throw Error(ErrorCode::Unavailable, "cannot resolve '" + endpoint.host + "'");
    coap_address_t address;
    coap_address_init(&address);
    std::memcpy(&address.addr.sin, found->ai_addr, sizeof(address.addr.sin));
    address.size = sizeof(address.addr.sin);
    freeaddrinfo(found);
    context = coap_new_context(nullptr);
    if (context == nullptr) throw Error(ErrorCode::Internal, "cannot create the CoAP context");
    coap_context_set_block_mode(context, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_register_option(context, coap::kOptionOneM2MFrom);
    coap_register_event_handler(context, &Impl::onEvent);
    coap_register_response_handler(context, &Impl::onResponse);
    return address;
  }

  void awaitHandshake(const CoapsEndpoint& endpoint, const char* refusal) {
    const std::string where = endpoint.host + ":" + std::to_string(endpoint.port);
    if (session == nullptr) throw Error(ErrorCode::Unavailable, "cannot open a DTLS session to " + where);
    coap_session_set_app_data(session, this);
    runUntil([&] { return connected || failed; });
    if (!connected)
      throw Error(ErrorCode::Tls,
                  "DTLS handshake with " + where + " failed: " +
                      (failed ? "the server refused it (" + std::string(refusal) + ")" : std::string("timed out")));
  }

  // The server's certificate chain against `anchors` (with their CRLs), naming serverName, and the
  // suite of the certificate profile: before anything is sent on the session.
  void verifyServer(X509_STORE* anchors) {
    SSL* ssl = sslOf(session);
    X509* leaf = ssl ? SSL_get0_peer_certificate(ssl) : nullptr;
    if (leaf == nullptr) throw Error(ErrorCode::Tls, "the DTLS server presented no certificate");
    const auto suite = suiteOf(ssl);
    const auto allowed = tls::dtlsCertificateSuites();
    if (std::find(allowed.begin(), allowed.end(), suite) == allowed.end())
      throw Error(ErrorCode::Tls, "the DTLS server chose a suite outside the certificate profile");
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> check(X509_STORE_CTX_new(), X509_STORE_CTX_free);
    if (!check || X509_STORE_CTX_init(check.get(), anchors, leaf, SSL_get_peer_cert_chain(ssl)) != 1)
      throw Error(ErrorCode::Internal, "cannot check the server's certificate");
    X509_STORE_CTX_set_purpose(check.get(), X509_PURPOSE_SSL_SERVER);
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(check.get());
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_host(param, serverName.c_str(), serverName.size()) != 1)
      throw Error(ErrorCode::Internal, "cannot check the server's name");
    if (X509_verify_cert(check.get()) != 1)
      throw Error(ErrorCode::Tls,
                  "the server's certificate did not verify against the trust anchors or does not name the server (" +
                      std::string(X509_verify_cert_error_string(X509_STORE_CTX_get_error(check.get()))) + ")");
  }

  template <typename Done>
  void runUntil(Done done) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < deadline) coap_io_process(context, 50);
  }
};

CoapsClient::CoapsClient(const CoapsEndpoint& endpoint, const tls::PskClientSettings& settings,
                         tls::PskClientCredentials credentials, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  auto& d = *impl_;
  d.credentials = std::move(credentials);
  d.serverName = settings.serverName;
  auto address = d.open(endpoint, timeout);

  coap_dtls_cpsk_t psk{};
  psk.version = COAP_DTLS_CPSK_SETUP_VERSION;
  psk.client_sni = d.serverName.empty() ? nullptr : d.serverName.data();
  psk.psk_info.identity = {d.credentials.pskIdentity.size(),
                           reinterpret_cast<const std::uint8_t*>(d.credentials.pskIdentity.data())};
  psk.psk_info.key = {d.credentials.psk.size(), d.credentials.psk.data()};
  if (d.credentials.pskForCipherSuite) {
    static const std::uint8_t kPlaceholder[] = {0};  // replaced in onHint once the suite is known
    psk.psk_info.key = {sizeof(kPlaceholder), kPlaceholder};
    psk.validate_ih_call_back = &Impl::onHint;
  }
  d.session = coap_new_client_session_psk2(d.context, nullptr, &address, COAP_PROTO_DTLS, &psk);
  d.awaitHandshake(endpoint, "unknown identity, wrong key or no common suite");
  d.credentials.psk.clear();
}

CoapsClient::CoapsClient(const CoapsEndpoint& endpoint, const std::string& serverName,
                         const tls::CertificateClientCredentials& credentials, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  auto& d = *impl_;
  d.serverName = serverName;
  auto address = d.open(endpoint, timeout);
  if (credentials.certificate == nullptr || credentials.privateKey == nullptr ||
      credentials.serverTrustAnchors == nullptr)
    throw Error(ErrorCode::Config, "a certificate, its key and the server's trust anchors are needed over CoAPS");
  // libcoap's own PKI set-up presents the certificate; its peer check is off, because the server's chain
  // is verified below with the project's anchors, CRLs and name check, before any request.
  unsigned char* der = nullptr;
  const int certificateLength = i2d_X509(credentials.certificate, &der);
  if (certificateLength <= 0) throw Error(ErrorCode::Config, "the certificate cannot be encoded");
  std::string certificateDer(reinterpret_cast<const char*>(der), static_cast<std::size_t>(certificateLength));
  OPENSSL_free(der);
  der = nullptr;
  const int keyLength = i2d_PrivateKey(credentials.privateKey, &der);
  if (keyLength <= 0) throw Error(ErrorCode::Config, "the private key cannot be encoded");
  crypto::SecretBytes keyDer(crypto::ByteView(der, static_cast<std::size_t>(keyLength)));
  OPENSSL_clear_free(der, static_cast<std::size_t>(keyLength));
  if (EVP_PKEY_get_base_id(credentials.privateKey) != EVP_PKEY_EC)
    throw Error(ErrorCode::Config, "the certificate frameworks over DTLS take an EC (P-256) key");

  coap_dtls_pki_t pki{};
  pki.version = COAP_DTLS_PKI_SETUP_VERSION;
  pki.verify_peer_cert = 0;
  pki.client_sni = d.serverName.data();
  pki.pki_key.key_type = COAP_PKI_KEY_ASN1;
  pki.pki_key.key.asn1.public_cert = reinterpret_cast<const std::uint8_t*>(certificateDer.data());
  pki.pki_key.key.asn1.public_cert_len = certificateDer.size();
  pki.pki_key.key.asn1.private_key = keyDer.data();
  pki.pki_key.key.asn1.private_key_len = keyDer.size();
  pki.pki_key.key.asn1.private_key_type = COAP_ASN1_PKEY_EC;
  d.session = coap_new_client_session_pki(d.context, nullptr, &address, COAP_PROTO_DTLS, &pki);
  d.awaitHandshake(endpoint, "the MEF refused this certificate, or no common suite");
  d.verifyServer(credentials.serverTrustAnchors);
}

CoapsClient::~CoapsClient() = default;

Response CoapsClient::send(const Request& request, std::string_view what) {
  auto& d = *impl_;
  coap_pdu_code_t code = request.method == Method::Post     ? COAP_REQUEST_CODE_POST
                         : request.method == Method::Put    ? COAP_REQUEST_CODE_PUT
                         : request.method == Method::Delete ? COAP_REQUEST_CODE_DELETE
                                                            : COAP_REQUEST_CODE_GET;
  coap_pdu_t* pdu =
      coap_pdu_init(COAP_MESSAGE_CON, code, coap_new_message_id(d.session), coap_session_max_pdu_size(d.session));
  if (pdu == nullptr) throw Error(ErrorCode::Internal, "cannot build a CoAP request");
  std::uint8_t token[8];
  std::size_t tokenLength = 0;
  coap_session_new_token(d.session, &tokenLength, token);
  coap_add_token(pdu, tokenLength, token);
  // Options in ascending number: Uri-Path (11), Content-Format (12), Uri-Query (15), oneM2M-FR (279).
  std::string_view target = request.target;
  std::string_view query;
  if (auto mark = target.find('?'); mark != std::string_view::npos) {
    query = target.substr(mark + 1);
    target = target.substr(0, mark);
  }
  for (const auto& segment : pathSegments(target))
    coap_add_option(pdu, COAP_OPTION_URI_PATH, segment.size(), reinterpret_cast<const std::uint8_t*>(segment.data()));
  if (request.contentFormat) {
    auto number = coap::encodeUint(coap::contentFormatNumber(*request.contentFormat));
    coap_add_option(pdu, coap::kOptionContentFormat, number.size(),
                    reinterpret_cast<const std::uint8_t*>(number.data()));
  }
  while (!query.empty()) {
    auto amp = query.find('&');
    auto part = query.substr(0, amp);
    coap_add_option(pdu, COAP_OPTION_URI_QUERY, part.size(), reinterpret_cast<const std::uint8_t*>(part.data()));
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  if (!request.originator.empty())
    coap_add_option(pdu, coap::kOptionOneM2MFrom, request.originator.size(),
                    reinterpret_cast<const std::uint8_t*>(request.originator.data()));
  if (!request.body.empty()) {
    auto* held = new std::string(request.body);
    coap_add_data_large_request(d.session, pdu, held->size(), reinterpret_cast<const std::uint8_t*>(held->data()),
                                releaseBody, held);
  }
  d.answered = false;
  if (coap_send(d.session, pdu) == COAP_INVALID_MID)
    throw Error(ErrorCode::Unavailable, std::string(what) + ": send failed");
  d.runUntil([&] { return d.answered || d.failed; });
  if (!d.answered) throw Error(ErrorCode::Unavailable, "no answer to the " + std::string(what) + " request");

  const std::uint8_t answer = d.code;
  Response r;
  r.contentFormat = d.contentFormat ? coap::contentFormatOfNumber(static_cast<std::uint16_t>(*d.contentFormat))
                                    : ContentFormat::Other;
  r.body = std::move(d.body);
  if (answer >> 5 == 2) {
    r.status = answer == coap::code(2, 1) ? Status::Created : Status::Ok;
    return r;
  }
  // A held request (RFC 7030 4.2.3 over CoAP): 5.03 with Max-Age and the pending JSON.
  auto json = nlohmann::json::parse(r.body, nullptr, false);
  if (answer == coap::code(5, 3) && d.maxAge && json.is_object() && json.value("Status", false)) {
    r.status = Status::Pending;
    r.retryAfter = std::chrono::seconds(*d.maxAge);
    return r;
  }
  std::string reason = json.is_object() && json.contains("ErrorString") && json["ErrorString"].is_string()
                           ? json["ErrorString"].get<std::string>()
                           : "no reason given";
  throw Error(errorOfCode(answer), std::string(what) + " refused (" + coap::codeText(answer) + "): " + reason);
}

crypto::SecretBytes CoapsClient::exportKeyingMaterial(std::string_view label, std::size_t length) {
  SSL* ssl = sslOf(impl_->session);
  if (ssl == nullptr) throw Error(ErrorCode::Tls, "no DTLS session to export keying material from");
  return tls::exportKeyingMaterial(ssl, label, length);
}

}  // namespace rspf::transport
