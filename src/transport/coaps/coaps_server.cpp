#include "transport/coaps/coaps_server.hpp"

#include <arpa/inet.h>
#include <coap3/coap.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "common/error.hpp"
#include "common/log_fields.hpp"
#include "common/safe_text.hpp"
#include "tls/dtls_profile.hpp"
#include "tls/handshake_peer.hpp"
#include "transport/coaps/coap_codec.hpp"
#include "transport/coaps/coap_request.hpp"
#include "transport/coaps/libcoap_support.hpp"
#include "transport/coaps/request_budget.hpp"

namespace rspf::transport {
namespace {

using coap::optionValue;
using coap::sslOf;

// What a DTLS session is, once connected (libcoap session app data, freed with the session).
struct SessionState {
  SessionState(double perSecond, double burst) : budget(perSecond, burst) {}
  std::optional<tls::AuthenticatedPeer> peer;
  std::string refusal;
  coap::RequestBudget budget;
  bool overBudget = false;  // logged once per episode, not per refused request
};

std::string remoteOf(const coap_session_t* session) {
  const coap_address_t* address = coap_session_get_addr_remote(session);
  if (address == nullptr) return "?";
  unsigned char text[INET6_ADDRSTRLEN + 16] = {};
  std::size_t n = coap_print_addr(address, text, sizeof(text) - 1);
  return std::string(reinterpret_cast<const char*>(text), n);
}

void releaseBody(coap_session_t*, void* body) { delete static_cast<std::string*>(body); }

// Sets the code and the body (Block2 when it needs more than one block), with its Content-Format and,
// when given, Max-Age.
void answer(coap_resource_t* resource, coap_session_t* session, const coap_pdu_t* request, const coap_string_t* query,
            coap_pdu_t* response, std::uint8_t code, ContentFormat format, std::string body, int maxAge = -1) {
  coap_pdu_set_code(response, static_cast<coap_pdu_code_t>(code));
  auto* held = new std::string(std::move(body));
  if (coap_add_data_large_response(resource, session, request, response, query, coap::contentFormatNumber(format),
                                   maxAge, 0, held->size(), reinterpret_cast<const std::uint8_t*>(held->data()),
                                   releaseBody, held) == 0)
    spdlog::warn("CoAPS: the response body could not be attached");
}

}  // namespace

struct CoapsServer::Impl {
  CoapsServerSettings settings;
  tls::PskIdentityResolver& resolver;
  CoapsRequestHandler handler;
  coap_context_t* context = nullptr;
  std::uint16_t boundPort = 0;
  std::thread thread;
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;
  bool running = false;
  // The key libcoap copies right after the identity callback returns; wiped at the next one.
  crypto::SecretBytes handedKey;
  coap_bin_const_t handedKeyView{0, nullptr};

  Impl(CoapsServerSettings s, tls::PskIdentityResolver& r, CoapsRequestHandler h)
      : settings(std::move(s)), resolver(r), handler(std::move(h)) {}

  ~Impl() {
    if (context != nullptr) coap_free_context(context);
  }

  static Impl* of(const coap_session_t* session) {
    return static_cast<Impl*>(coap_get_app_data(coap_session_get_context(session)));
  }

  // libcoap's PSK callback (the handshake has chosen its suite): the frameworks decide.
  // No exception may cross libcoap's C frames (issue 9): each callback ends its own.
  static const coap_bin_const_t* validateIdentity(coap_bin_const_t* identity, coap_session_t* session,
                                                  void* arg) noexcept {
    try {
      return validatedKey(identity, session, static_cast<Impl*>(arg));
    } catch (...) {
      return nullptr;
    }
  }

  static const coap_bin_const_t* validatedKey(coap_bin_const_t* identity, coap_session_t* session, Impl* self) {
    self->handedKey.clear();
    SSL* ssl = sslOf(session);
    if (ssl == nullptr || identity == nullptr) return nullptr;
    auto key = tls::resolvePskInHandshake(
        ssl, self->resolver, std::string_view(reinterpret_cast<const char*>(identity->s), identity->length));
    if (!key) return nullptr;
    self->handedKey = std::move(*key);
    self->handedKeyView = {self->handedKey.size(), self->handedKey.data()};
    return &self->handedKeyView;
  }

  static int onEvent(coap_session_t* session, const coap_event_t event) noexcept {
    try {
      return handleEvent(session, event);
    } catch (const std::exception& e) {
      spdlog::error("CoAPS session event {}: {}", static_cast<int>(event), e.what());
    } catch (...) {
      spdlog::error("CoAPS session event {}: a non-standard exception", static_cast<int>(event));
    }
    return 0;
  }

  static int handleEvent(coap_session_t* session, const coap_event_t event) {
    Impl* self = of(session);
    if (self == nullptr) return 0;
    if (event == COAP_EVENT_DTLS_CONNECTED) self->connected(session);
    if (event == COAP_EVENT_DTLS_ERROR)
      self->refused(session, "DTLS handshake failed (unknown identity, wrong key or no common suite)");
    if (event == COAP_EVENT_DTLS_CLOSED || event == COAP_EVENT_SERVER_SESSION_DEL) {
      delete static_cast<SessionState*>(coap_session_get_app_data(session));
      coap_session_set_app_data(session, nullptr);
    }
    return 0;
  }

  void refused(coap_session_t* session, const std::string& why) {
    std::string remote = remoteOf(session);
    const coap_bin_const_t* presented = coap_session_get_psk_identity(session);
    std::string identity = presented ? std::string(reinterpret_cast<const char*>(presented->s), presented->length) : "";
    ScopedLogFields fields({{"remote", remote}, {"event", "handshake_refused"}});
    spdlog::info("DTLS handshake from {} refused: {}", remote, why);
    if (settings.observer) settings.observer->handshake({"none", false, "", identity, remote, why});
  }

  void connected(coap_session_t* session) {
    auto state = std::make_unique<SessionState>(settings.requestsPerSecond, settings.requestBurst);
    SSL* ssl = sslOf(session);
    std::string remote = remoteOf(session);
    if (ssl == nullptr) {
      state->refusal = "no DTLS session";
    } else {
      auto suites = tls::dtlsPskSuites();
      if (settings.certificate)
        for (auto suite : tls::dtlsCertificateSuites()) suites.push_back(suite);
      auto outcome = tls::authenticatedPeerOf(ssl, "", {false, suites}, remote);
      if (outcome.peer) {
        state->peer = std::move(outcome.peer);
        spdlog::debug("DTLS {} {} from {}: {} as '{}'", outcome.protocol, outcome.cipher, remote,
                      state->peer->framework, state->peer->principal);
        if (settings.observer)
          settings.observer->handshake(
              {state->peer->framework, true, state->peer->principal, state->peer->pskIdentity, remote, ""});
        if (settings.onAuthenticated) {
          try {
            settings.onAuthenticated(*state->peer);
          } catch (const std::exception& e) {
            spdlog::warn("handshake observer failed for {}: {}", remote, e.what());
          } catch (...) {
            spdlog::warn("handshake observer failed for {}: a non-standard exception", remote);
          }
        }
      } else {
        state->refusal = outcome.refusal;
        refused(session, outcome.refusal);
      }
    }
    delete static_cast<SessionState*>(coap_session_get_app_data(session));
    coap_session_set_app_data(session, state.release());
  }

  static void onRequest(coap_resource_t* resource, coap_session_t* session, const coap_pdu_t* request,
                        const coap_string_t* query, coap_pdu_t* response) noexcept {
    try {
      if (Impl* self = of(session)) self->serve(resource, session, request, query, response);
    } catch (...) {
      coap_pdu_set_code(response, static_cast<coap_pdu_code_t>(coap::code(5, 0)));  // answered, not ended
    }
  }

  void serve(coap_resource_t* resource, coap_session_t* session, const coap_pdu_t* pdu, const coap_string_t* query,
             coap_pdu_t* response) {
    auto received = std::chrono::steady_clock::now();
    auto* state = static_cast<SessionState*>(coap_session_get_app_data(session));
    Request request;
    request.scheme = "coaps";
    request.method = coap::methodOfCode(coap_pdu_get_code(pdu));
    request.target = coap::targetOf(pdu, query);
    std::string remote = remoteOf(session);
    int status = 200;
    try {
      if (state == nullptr || !state->peer)
        throw Error(ErrorCode::Unauthorized,
                    "this DTLS session is not authenticated" + (state ? ": " + state->refusal : std::string()));
      if (!state->budget.admit(received)) {
        if (!state->overBudget)
          spdlog::warn("CoAPS session from {} ('{}') is past its request budget: answering 5.03", remote,
                       state->peer->principal);
        state->overBudget = true;
        status = 503;
        auto retry = state->budget.retryAfterSeconds(received);
        answer(resource, session, pdu, query, response, coap::code(5, 3), ContentFormat::Json,
               coap::errorBody("too many requests on this DTLS session: retry after " + std::to_string(retry) + " s"),
               static_cast<int>(retry));
        if (settings.observer) settings.observer->request(status, std::chrono::steady_clock::now() - received);
        return;  // not logged per request: a flood must not become a flood of log lines
      }
      state->overBudget = false;
      if (auto offset = coap::readBodyAndOptions(pdu, settings.maxBodyBytes, request)) {
        status = 400;  // a block without its predecessors (RFC 7959 2.3: 4.08 Request Entity Incomplete)
        answer(resource, session, pdu, query, response, coap::code(4, 8), ContentFormat::Json,
               coap::errorBody("Block1 transfer incomplete: block at offset " + std::to_string(*offset) +
                               " without the blocks before it"));
        return;
      }
      auto answered = handler(*state->peer, request);
      status = answered.status == Status::Created ? 201 : answered.status == Status::Pending ? 202 : 200;
      answer(resource, session, pdu, query, response, coap::codeOf(answered.status, request.method),
             answered.contentFormat, std::move(answered.body),
             answered.status == Status::Pending ? static_cast<int>(answered.retryAfter.count()) : -1);
    } catch (const Error& e) {
      status = httpStatusOf(e.code());
      if (e.code() == ErrorCode::PayloadTooLarge) {
        auto size1 = coap::encodeUint(static_cast<std::uint32_t>(settings.maxBodyBytes));
        coap_add_option(response, coap::kOptionSize1, size1.size(),
                        reinterpret_cast<const std::uint8_t*>(size1.data()));
      }
      answer(resource, session, pdu, query, response, coap::codeOf(e.code()), ContentFormat::Json,
             coap::errorBody(e.what()));
    } catch (const std::exception& e) {
      status = 500;
      spdlog::error("CoAPS request {} from {} failed: {}", safeErrorText(request.target, 200), remote, e.what());
      answer(resource, session, pdu, query, response, coap::code(5, 0), ContentFormat::Json,
             coap::errorBody("internal error"));
    } catch (...) {
      status = 500;
      spdlog::error("CoAPS request {} from {} failed: a non-standard exception", safeErrorText(request.target, 200),
                    remote);
      answer(resource, session, pdu, query, response, coap::code(5, 0), ContentFormat::Json,
             coap::errorBody("internal error"));
    }
    const std::string framework = state && state->peer ? state->peer->framework : "none";
    const std::string principal = state && state->peer ? state->peer->principal : "";
    ScopedLogFields fields({{"remote", remote},
                            {"method", std::string(methodName(request.method))},
                            {"path", request.target.substr(0, 200)},
                            {"status", status},
                            {"framework", framework},
                            {"principal", principal}});
    spdlog::info("{} CoAP {} {} -> {} ({} '{}')", remote, methodName(request.method), request.target.substr(0, 200),
                 status, framework, principal);
    if (settings.observer) settings.observer->request(status, std::chrono::steady_clock::now() - received);
  }

  void open() {
    coap::startLibcoap();
    context = coap_new_context(nullptr);
    if (context == nullptr) throw Error(ErrorCode::Config, "cannot create the CoAP context");
    coap_set_app_data(context, this);
    coap_context_set_block_mode(context, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_register_option(context, coap::kOptionOneM2MFrom);
    coap_context_set_max_idle_sessions(context, static_cast<unsigned>(settings.maxSessions));
    coap_context_set_max_handshake_sessions(context, static_cast<unsigned>(settings.maxSessions));
    coap_context_set_session_timeout(context, 30);
    coap_dtls_spsk_t psk{};
    psk.version = COAP_DTLS_SPSK_SETUP_VERSION;
    psk.validate_id_call_back = &Impl::validateIdentity;
    psk.id_call_back_arg = this;
    if (!settings.identityHint.empty())
      psk.psk_info.hint = {settings.identityHint.size(),
                           reinterpret_cast<const std::uint8_t*>(settings.identityHint.data())};
    if (coap_context_set_psk2(context, &psk) == 0) throw Error(ErrorCode::Config, "libcoap refused the DTLS-PSK setup");
    // The profile's suites for every connection, before the suite is chosen; with a certificate, its
    // frameworks too (libcoap's own PKI set-up is not used: the same profile as over TLS is).
    SSL_CTX* dtls = coap::dtlsContextOf(context);
    std::string ciphers = tls::kDtlsPskCipherList;
    std::function<void(SSL*)> prepare;
    if (settings.certificate) {
      tls::enableCertificateAuthentication(dtls, *settings.certificate, settings.certificateResolver);
      ciphers += std::string(":") + tls::kDtlsEcdsaCipherList;
      prepare = [credentials = *settings.certificate](SSL* ssl) {
        tls::prepareCertificateConnection(ssl, credentials);
      };
    }
    tls::restrictDtlsServer(dtls, settings.serverName, ciphers, std::move(prepare));

    coap_address_t address;
    coap_address_init(&address);
    address.addr.sin.sin_family = AF_INET;
    address.addr.sin.sin_port = htons(settings.port);
    if (inet_pton(AF_INET, settings.host.c_str(), &address.addr.sin.sin_addr) != 1)
      throw Error(ErrorCode::Config, "invalid listen_coaps address '" + settings.host + "' (an IPv4 address)");
    address.size = sizeof(address.addr.sin);
    coap_endpoint_t* endpoint = coap_new_endpoint(context, &address, COAP_PROTO_DTLS);
    if (endpoint == nullptr)
      throw Error(ErrorCode::Config,
                  "cannot listen on " + settings.host + ":" + std::to_string(settings.port) + " (UDP, CoAPS)");
    std::string bound = coap_endpoint_str(endpoint);
    boundPort = static_cast<std::uint16_t>(std::stoi(bound.substr(bound.rfind(':') + 1)));

    coap_register_event_handler(context, &Impl::onEvent);
    coap_resource_t* resource = coap_resource_unknown_init2(&Impl::onRequest, 0);
    coap_register_handler(resource, COAP_REQUEST_GET, &Impl::onRequest);
    coap_register_handler(resource, COAP_REQUEST_POST, &Impl::onRequest);
    coap_register_handler(resource, COAP_REQUEST_DELETE, &Impl::onRequest);
    coap_add_resource(context, resource);
    // libcoap answers /.well-known/core itself unless a resource is registered there: the handler's
    // answer (the MEF's EST-coaps links, RFC 9148 4.1) is served instead.
    coap_resource_t* core = coap_resource_init(coap_make_str_const(".well-known/core"), 0);
    coap_register_handler(core, COAP_REQUEST_GET, &Impl::onRequest);
    coap_add_resource(context, core);
  }
};

CoapsServer::CoapsServer(CoapsServerSettings settings, tls::PskIdentityResolver& resolver, CoapsRequestHandler handler)
    : impl_(std::make_unique<Impl>(std::move(settings), resolver, std::move(handler))) {
  impl_->open();
}

CoapsServer::~CoapsServer() {
  stop();
  wait();
}

std::uint16_t CoapsServer::port() const { return impl_->boundPort; }

bool CoapsServer::listening() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->running && !impl_->stopping;
}

void CoapsServer::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->running) return;
  impl_->running = true;
  impl_->thread = std::thread([impl = impl_.get()] {
    while (!impl->stopping) coap_io_process(impl->context, 100);
  });
}

void CoapsServer::stop() { impl_->stopping = true; }

void CoapsServer::wait() {
  std::thread thread;
  {
    std::lock_guard lock(impl_->mutex);
    thread.swap(impl_->thread);
  }
  if (thread.joinable()) thread.join();
}

}  // namespace rspf::transport
