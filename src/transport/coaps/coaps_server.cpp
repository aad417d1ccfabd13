#include "transport/coaps/coaps_server.hpp"

#include <coap3/coap.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "common/log_fields.hpp"
#include "common/safe_text.hpp"
#include "crypto/secret_bytes.hpp"
#include "tls/dtls_profile.hpp"
#include "tls/handshake_peer.hpp"
#include "tls/psk_profile.hpp"
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

// Wiped first: it may hold a secret (Response::secret). libcoap's own copies of a small body (in
// the PDU it sends and retransmits) are beyond reach.
void releaseBody(coap_session_t*, void* body) {
  auto* held = static_cast<std::string*>(body);
  crypto::wipe(held->data(), held->size());
  delete held;
}

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

// What a request is answered: computed by the handler (on the network thread or a worker), sent by
// the network thread.
struct Answer {
  std::uint8_t code = 0;
  ContentFormat format = ContentFormat::Json;
  std::string body;
  int maxAge = -1;
  int status = 200;    // as HTTP would say it, for the log and the metrics
  bool size1 = false;  // 4.13: Size1 names the limit
};

// A request handed to a worker: its answer goes as a separate response (RFC 7252 5.2.2) once the
// worker is done (libcoap's async: the handler is called again with the request, and sends it then).
struct Deferred {
  Request request;
  std::chrono::steady_clock::time_point received;
  std::string framework, principal;
  Answer answer;       // written by the worker, read after the hand-off under Impl::doneMutex
  bool ready = false;  // network thread only
};

// A worker's call of the session's RFC 5705 exporter, run on the network thread: libcoap owns the
// SSL object and may free it when the session closes.
struct ExportCall {
  coap_session_t* session;
  std::string label;
  std::size_t length;
  std::promise<crypto::SecretBytes> result;
};

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
  // settings.workers > 0: the handlers run there, the network thread keeps handshaking meanwhile.
  std::unique_ptr<boost::asio::thread_pool> workers;
  std::set<Deferred*> deferred;  // network thread only; owned, until answered or the server goes
  std::size_t inHand = 0;        // network thread only: deferred requests not yet answered
  std::mutex doneMutex;
  std::vector<coap_async_t*> done;  // answered by their worker, to be sent
  std::mutex exportMutex;
  std::vector<std::shared_ptr<ExportCall>> exports;
  bool exportsClosed = false;
  int wakeup = -1;  // eventfd: a worker's answer or export call, or stop(), is waiting for the network thread

  Impl(CoapsServerSettings s, tls::PskIdentityResolver& r, CoapsRequestHandler h)
      : settings(std::move(s)), resolver(r), handler(std::move(h)) {
    wakeup = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wakeup < 0) throw Error(ErrorCode::Config, "cannot create the CoAPS listener's wake-up eventfd");
    if (settings.workers > 0)
      workers = std::make_unique<boost::asio::thread_pool>(static_cast<std::size_t>(settings.workers));
  }

  ~Impl() {
    if (workers) workers->join();
    for (Deferred* d : deferred) delete d;
    if (context != nullptr) coap_free_context(context);
    ::close(wakeup);
  }

  // Never read: each write is an edge in libcoap's epoll set (EPOLLET, see run()), and the counter
  // would take 2^64 writes to fill.
  void wake() const {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(wakeup, &one, sizeof one);
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
    ScopedLogFields fields([&] { return nlohmann::json{{"remote", remote}, {"event", "handshake_refused"}}; });
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

  // The handler's answer, or the refusal it threw, as the binding answers it. Never throws.
  Answer answerOf(const tls::AuthenticatedPeer& peer, const Request& request, const std::string& remote) {
    Answer a;
    try {
      auto answered = handler(peer, request);
      a.status = answered.status == Status::Created ? 201 : answered.status == Status::Pending ? 202 : 200;
      a.code = coap::codeOf(answered.status, request.method);
      a.format = answered.contentFormat;
      a.body = std::move(answered.body);
      if (answered.status == Status::Pending) a.maxAge = static_cast<int>(answered.retryAfter.count());
    } catch (const Error& e) {
      a = refusal(e);
    } catch (const std::exception& e) {
      spdlog::error("CoAPS request {} from {} failed: {}", safeErrorText(request.target, 200), remote, e.what());
      a = internalError();
    } catch (...) {
      spdlog::error("CoAPS request {} from {} failed: a non-standard exception", safeErrorText(request.target, 200),
                    remote);
      a = internalError();
    }
    return a;
  }

  static Answer refusal(const Error& e) {
    Answer a;
    a.status = httpStatusOf(e.code());
    a.code = coap::codeOf(e.code());
    a.body = coap::errorBody(e.what());
    a.size1 = e.code() == ErrorCode::PayloadTooLarge;
    return a;
  }

  static Answer internalError() {
    Answer a;
    a.status = 500;
    a.code = coap::code(5, 0);
    a.body = coap::errorBody("internal error");
    return a;
  }

  void send(coap_resource_t* resource, coap_session_t* session, const coap_pdu_t* pdu, const coap_string_t* query,
            coap_pdu_t* response, Answer a) {
    if (a.size1) {
      auto size1 = coap::encodeUint(static_cast<std::uint32_t>(settings.maxBodyBytes));
      coap_add_option(response, coap::kOptionSize1, size1.size(), reinterpret_cast<const std::uint8_t*>(size1.data()));
    }
    answer(resource, session, pdu, query, response, a.code, a.format, std::move(a.body), a.maxAge);
  }

  void logRequest(const std::string& remote, const Request& request, int status, const std::string& framework,
                  const std::string& principal, std::chrono::steady_clock::time_point received) {
    ScopedLogFields fields([&] {
      return nlohmann::json{{"remote", remote},
                            {"method", std::string(methodName(request.method))},
                            {"path", request.target.substr(0, 200)},
                            {"status", status},
                            {"framework", framework},
                            {"principal", principal}};
    });
    spdlog::info("{} CoAP {} {} -> {} ({} '{}')", remote, methodName(request.method), request.target.substr(0, 200),
                 status, framework, principal);
    if (settings.observer) settings.observer->request(status, std::chrono::steady_clock::now() - received);
  }

  void serve(coap_resource_t* resource, coap_session_t* session, const coap_pdu_t* pdu, const coap_string_t* query,
             coap_pdu_t* response) {
    auto received = std::chrono::steady_clock::now();
    auto* state = static_cast<SessionState*>(coap_session_get_app_data(session));
    std::string remote = remoteOf(session);
    // A deferred request's second call: its worker's answer, as a separate response.
    if (workers) {
      if (coap_async_t* async = coap_find_async(session, coap_pdu_get_token(pdu))) {
        auto* d = static_cast<Deferred*>(coap_async_get_app_data(async));
        if (d == nullptr || !d->ready) return;  // a retransmission while in hand: the empty ACK again
        std::unique_ptr<Deferred> owned(d);
        deferred.erase(d);
        coap_async_set_app_data(async, nullptr);
        const int status = d->answer.status;
        send(resource, session, pdu, query, response, std::move(d->answer));
        logRequest(remote, d->request, status, d->framework, d->principal, d->received);
        return;  // libcoap frees the async with this answer
      }
    }
    Request request;
    request.scheme = "coaps";
    request.method = coap::methodOfCode(coap_pdu_get_code(pdu));
    request.target = coap::targetOf(pdu, query);
    const std::string framework = state && state->peer ? state->peer->framework : "none";
    const std::string principal = state && state->peer ? state->peer->principal : "";
    Answer a;
    try {
      if (state == nullptr || !state->peer)
        throw Error(ErrorCode::Unauthorized,
                    "this DTLS session is not authenticated" + (state ? ": " + state->refusal : std::string()));
      if (!state->budget.admit(received)) {
        if (!state->overBudget)
          spdlog::warn("CoAPS session from {} ('{}') is past its request budget: answering 5.03", remote,
                       state->peer->principal);
        state->overBudget = true;
        auto retry = state->budget.retryAfterSeconds(received);
        answer(resource, session, pdu, query, response, coap::code(5, 3), ContentFormat::Json,
               coap::errorBody("too many requests on this DTLS session: retry after " + std::to_string(retry) + " s"),
               static_cast<int>(retry));
        if (settings.observer) settings.observer->request(503, std::chrono::steady_clock::now() - received);
        return;  // not logged per request: a flood must not become a flood of log lines
      }
      state->overBudget = false;
      if (auto offset = coap::readBodyAndOptions(pdu, settings.maxBodyBytes, request)) {
        a.status = 400;  // a block without its predecessors (RFC 7959 2.3: 4.08 Request Entity Incomplete)
        a.code = coap::code(4, 8);
        a.body = coap::errorBody("Block1 transfer incomplete: block at offset " + std::to_string(*offset) +
                                 " without the blocks before it");
      } else if (workers) {
        if (defer(session, pdu, *state->peer, request, remote, received)) return;  // answered later
        a = refusal(Error(ErrorCode::Unavailable, "the server is busy: retry later"));
      } else {
        a = answerOf(*state->peer, request, remote);
      }
    } catch (const Error& e) {
      a = refusal(e);
    } catch (...) {
      a = internalError();
    }
    const int status = a.status;
    send(resource, session, pdu, query, response, std::move(a));
    logRequest(remote, request, status, framework, principal, received);
  }

  // Hands the request to a worker; false when too many are in hand or libcoap cannot defer it. No code
  // is set on this call's response, so libcoap acknowledges a CON with an empty ACK.
  bool defer(coap_session_t* session, const coap_pdu_t* pdu, const tls::AuthenticatedPeer& authenticated,
             const Request& request, const std::string& remote, std::chrono::steady_clock::time_point received) {
    if (inHand >= settings.maxQueuedRequests) return false;
    auto exporter = exporterFor(session, request);  // before the async: an export that throws is answered now
    coap_async_t* async = coap_register_async(session, pdu, 0);  // 0: until triggered
    if (async == nullptr) return false;
    auto owned = std::make_unique<Deferred>();
    owned->request = request;
    owned->request.body.clear();  // kept for the log only
    owned->received = received;
    owned->framework = authenticated.framework;
    owned->principal = authenticated.principal;
    Deferred* d = owned.release();
    deferred.insert(d);
    coap_async_set_app_data(async, d);
    ++inHand;
    tls::AuthenticatedPeer peer = authenticated;
    peer.exportKeyingMaterial = std::move(exporter);
    boost::asio::post(*workers, [this, async, d, peer = std::move(peer), request, remote] {
      Answer a = answerOf(peer, request, remote);
      {
        std::lock_guard lock(doneMutex);
        d->answer = std::move(a);
        done.push_back(async);
      }
      wake();
    });
    return true;
  }

  // A worker's exporter for this request: the export named ahead (settings.exportAhead) is made now, on
  // the network thread; any other waits for that thread (exportOnNetworkThread).
  std::function<crypto::SecretBytes(std::string_view, std::size_t)> exporterFor(coap_session_t* session,
                                                                                const Request& request) {
    struct Ahead {
      KeyingMaterialExport named;
      crypto::SecretBytes material;
    };
    std::shared_ptr<const Ahead> ahead;
    if (settings.exportAhead)
      if (auto named = settings.exportAhead(request)) {
        SSL* ssl = sslOf(session);
        if (ssl == nullptr) throw Error(ErrorCode::Tls, "no DTLS session to export keying material from");
        auto material = tls::exportKeyingMaterial(ssl, named->label, named->length);
        ahead = std::make_shared<const Ahead>(Ahead{std::move(*named), std::move(material)});
      }
    return [this, session, ahead = std::move(ahead)](std::string_view label, std::size_t length) {
      if (ahead && label == ahead->named.label && length == ahead->named.length) return ahead->material;
      return exportOnNetworkThread(session, label, length);
    };
  }

  crypto::SecretBytes exportOnNetworkThread(coap_session_t* session, std::string_view label, std::size_t length) {
    auto call = std::make_shared<ExportCall>();
    call->session = session;
    call->label = std::string(label);
    call->length = length;
    auto result = call->result.get_future();
    {
      std::lock_guard lock(exportMutex);
      if (exportsClosed) throw Error(ErrorCode::Unavailable, "the CoAPS listener is stopping");
      exports.push_back(call);
    }
    wake();
    if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
      throw Error(ErrorCode::Unavailable, "the DTLS session's key export did not answer");
    return result.get();
  }

  // Network thread, after each round of libcoap's I/O.
  void runExports(bool closing) {
    std::vector<std::shared_ptr<ExportCall>> calls;
    {
      std::lock_guard lock(exportMutex);
      calls.swap(exports);
      if (closing) exportsClosed = true;
    }
    for (auto& call : calls) {
      try {
        if (closing) throw Error(ErrorCode::Unavailable, "the CoAPS listener is stopping");
        SSL* ssl = sslOf(call->session);
        if (ssl == nullptr) throw Error(ErrorCode::Tls, "the DTLS session closed before its key export");
        call->result.set_value(tls::exportKeyingMaterial(ssl, call->label, call->length));
      } catch (...) {
        call->result.set_exception(std::current_exception());
      }
    }
  }

  // True when an answer was triggered: libcoap sends it when its I/O is next prepared.
  bool sendDone() {
    std::vector<coap_async_t*> answered;
    {
      std::lock_guard lock(doneMutex);
      answered.swap(done);
    }
    for (coap_async_t* async : answered) {
      if (auto* d = static_cast<Deferred*>(coap_async_get_app_data(async))) d->ready = true;
      --inHand;
      coap_async_trigger(async);  // libcoap calls serve() again with the request
    }
    return !answered.empty();
  }

  void run() {
    runEpollRounds();    // returns at once without epoll, or when epoll_wait fails
    while (!stopping) {  // libcoap's own rounds
      coap_io_process(context, inHand == 0 ? 100 : 1);
      runExports(false);
      sendDone();
    }
    runExports(true);
  }

  // libcoap's epoll rounds, run here rather than by coap_io_process, which prepares libcoap's I/O (a
  // walk of its sessions, its ready asyncs sent, a timerfd_settime) both before its wait and after it:
  // coap_io_do_epoll ends with that preparation, and its timerfd (in the same epoll set) ends the wait
  // when a retransmission, a DTLS timeout or an idle session is due, so the one before is redundant.
  // The wake-up eventfd (the workers' answers and export calls, stop()) sits in the same set: a
  // wake-up alone does not reach libcoap (which would read its timerfd for nothing), and triggered
  // answers go out at once, not in the next round. Returns when stopping, or when epoll is not there.
  // Both calls are declared in coap3/net.h (4.3.1) but documented there as internal: an upgrade of
  // libcoap must check them (tests/transport/coaps_retransmission_test holds its timers).
  void runEpollRounds() {
    const int coapFd = coap_context_get_coap_fd(context);
    epoll_event wakeupEvent{};
    wakeupEvent.events = EPOLLIN | EPOLLET;  // never read: each write is an edge (see wake())
    wakeupEvent.data.ptr = &wakeup;          // ours: taken out before libcoap sees the events
    if (coapFd < 0) {
      spdlog::warn("CoAPS: libcoap without epoll: a worker's answer waits for the next round (1 ms)");
      return;
    }
    if (::epoll_ctl(coapFd, EPOLL_CTL_ADD, wakeup, &wakeupEvent) != 0) {
      spdlog::warn("CoAPS: no wake-up in libcoap's wait ({}): a worker's answer waits for the next round (1 ms)",
                   std::strerror(errno));
      return;
    }
    coap_tick_t now = 0;
    coap_ticks(&now);
    coap_io_prepare_epoll(context, now);
    std::array<epoll_event, 32> events{};
    while (!stopping) {
      const int n = ::epoll_wait(coapFd, events.data(), static_cast<int>(events.size()), 1000);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        spdlog::error("CoAPS: epoll_wait failed ({}): libcoap's own rounds take over", std::strerror(errno));
        return;
      }
      std::size_t forLibcoap = 0;
      for (int i = 0; i < n; ++i)
        if (events[i].data.ptr != &wakeup) events[forLibcoap++] = events[i];
      if (forLibcoap > 0 || n == 0) coap_io_do_epoll(context, events.data(), forLibcoap);  // n == 0: 1 s idle
      runExports(false);
      if (sendDone()) {
        coap_ticks(&now);
        coap_io_prepare_epoll(context, now);  // sends the answers just triggered
      }
    }
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

    boundPort = coap::bindDtlsEndpoint(context, settings.host, settings.port);

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
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

void CoapsServer::stop() {
  impl_->stopping = true;
  impl_->wake();  // out of libcoap's wait now, not at its next timeout
}

void CoapsServer::wait() {
  std::thread thread;
  {
    std::lock_guard lock(impl_->mutex);
    thread.swap(impl_->thread);
  }
  if (thread.joinable()) thread.join();
}

}  // namespace rspf::transport
