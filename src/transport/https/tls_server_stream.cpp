#include "transport/https/tls_server_stream.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "crypto/secret_bytes.hpp"
#include "tls/openssl_handles.hpp"
#include "tls/psk_identity_scanner.hpp"

namespace rspf::transport {

namespace asio = boost::asio;
using boost::beast::error_code;

namespace {

// True when the suite OpenSSL chose for this handshake uses a PSK key exchange (so a
// ClientKeyExchange starts with psk_identity).
bool negotiatedPskKeyExchange(SSL* ssl) {
  const SSL_CIPHER* cipher = SSL_get_pending_cipher(ssl);
  if (cipher == nullptr) return false;
  const int kx = SSL_CIPHER_get_kx_nid(cipher);
  return kx == NID_kx_psk || kx == NID_kx_dhe_psk || kx == NID_kx_ecdhe_psk || kx == NID_kx_rsa_psk;
}

enum class Kind { Handshake, Read, Write, Shutdown };

// One pending operation, moved along its continuations (never stored in the Core: the completion
// holds the session, which holds the Core).
struct Op {
  Kind kind;
  asio::mutable_buffer into;  // Read
  TlsServerStream::Completion done;
};

BIO_METHOD* socketBioMethod();

}  // namespace

struct TlsServerStream::Core : std::enable_shared_from_this<Core> {
  asio::ip::tcp::socket socket;
  asio::steady_timer timer;
  tls::SslPtr ssl;
  unsigned timerGeneration = 0;
  bool timedOut = false;
  bool failed = false;  // a fatal TLS error: no close_notify may follow (SSL_shutdown(3))
  // What the BIO saw on its last call, for the error of an SSL_ERROR_SYSCALL.
  int socketErrno = 0;
  bool peerClosed = false;
  // The PSK watch (watch()).
  tls::PskIdentityResolver* resolver = nullptr;
  std::optional<tls::PskIdentityScanner> scanner;
  std::string identity;    // found, to prepare
  bool preparing = false;  // the BIO holds `held` back until prepare() is done
  crypto::Bytes held;      // the client's bytes that revealed the identity, not yet given to OpenSSL
  std::size_t heldOffset = 0;
  std::vector<unsigned char> writing;  // the pending write's plaintext

  Core(asio::ip::tcp::socket s, SSL_CTX* context) : socket(std::move(s)), timer(socket.get_executor()) {
    ssl.reset(SSL_new(context));
    BIO* bio = ssl ? BIO_new(socketBioMethod()) : nullptr;
    if (!bio) throw Error(ErrorCode::Tls, "cannot make a TLS session: " + tls::drainOpenSslErrors());
    BIO_set_data(bio, this);
    BIO_set_init(bio, 1);
    SSL_set_bio(ssl.get(), bio, bio);  // one reference, for both directions
    SSL_set_accept_state(ssl.get());
    SSL_set_mode(ssl.get(),
                 SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    // One recv() takes whatever has arrived (up to a record's buffer), not a header then a body.
    SSL_set_read_ahead(ssl.get(), 1);
  }

  int fd() { return socket.native_handle(); }

  // --- the BIO's side: called by OpenSSL, inside step() ---

  int bioRead(BIO* bio, char* out, std::size_t size, std::size_t* got) {
    BIO_clear_retry_flags(bio);
    if (preparing) {
      BIO_set_retry_read(bio);
      return 0;
    }
    if (heldOffset < held.size()) {
      std::size_t n = std::min(size, held.size() - heldOffset);
      std::memcpy(out, held.data() + heldOffset, n);
      heldOffset += n;
      if (heldOffset == held.size()) crypto::Bytes().swap(held), heldOffset = 0;
      *got = n;
      return 1;
    }
    ssize_t n = ::recv(fd(), out, size, MSG_DONTWAIT);
    if (n > 0) {
      if (scanner && holdsBack(out, static_cast<std::size_t>(n))) {
        BIO_set_retry_read(bio);
        return 0;
      }
      *got = static_cast<std::size_t>(n);
      return 1;
    }
    if (n == 0) {
      peerClosed = true;
      return 0;
    }
    return socketFailed(bio, BIO_FLAGS_READ);
  }

  int bioWrite(BIO* bio, const char* data, std::size_t size, std::size_t* put) {
    BIO_clear_retry_flags(bio);
    // MSG_NOSIGNAL: a peer gone is an EPIPE, not a SIGPIPE that ends the process.
    ssize_t n = ::send(fd(), data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) {
      *put = static_cast<std::size_t>(n);
      return 1;
    }
    return socketFailed(bio, BIO_FLAGS_WRITE);
  }

  // After a recv or send that failed: OpenSSL retries when the socket would block (the stream
  // then waits for it), else the error is kept for errorOf.
  int socketFailed(BIO* bio, int direction) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
      BIO_set_flags(bio, direction | BIO_FLAGS_SHOULD_RETRY);
    else
      socketErrno = errno;
    return 0;
  }

  // Feeds the scanner the `n` bytes just read; true when they revealed an identity to prepare: they
  // are then held back (in `held`) until prepare() is done.
  bool holdsBack(const char* bytes, std::size_t n) {
    crypto::ByteView view(reinterpret_cast<const std::uint8_t*>(bytes), n);
    auto found = scanner->feed(view);
    if (scanner->done()) scanner.reset();
    if (!found) return false;
    if (found->source == tls::PskIdentityScanner::Source::ClientKeyExchange && !negotiatedPskKeyExchange(ssl.get()))
      return false;
    identity = std::move(found->identity);
    held.assign(view.begin(), view.end());
    heldOffset = 0;
    preparing = true;
    return true;
  }

  // --- the stream's side: on the socket's executor ---

  void start(Op op) {
    if (timedOut) return complete(std::move(op), boost::beast::error::timeout, 0, true);
    step(std::move(op), true);
  }

  // Runs the operation as far as it goes without waiting; `initiating`: inside the initiating
  // call, where a completion must be posted rather than run.
  void step(Op op, bool initiating) {
    if (op.kind == Kind::Shutdown && failed) return complete(std::move(op), {}, 0, initiating);
    ERR_clear_error();
    socketErrno = 0;
    std::size_t n = 0;
    int result = 0;
    switch (op.kind) {
      case Kind::Handshake: result = SSL_do_handshake(ssl.get()); break;
      case Kind::Read:
        if (op.into.size() == 0) return complete(std::move(op), {}, 0, initiating);
        result = SSL_read_ex(ssl.get(), op.into.data(), op.into.size(), &n);
        break;
      case Kind::Write:
        if (writing.empty()) return complete(std::move(op), {}, 0, initiating);
        result = SSL_write_ex(ssl.get(), writing.data(), writing.size(), &n);
        break;
      case Kind::Shutdown:
        result = SSL_shutdown(ssl.get());
        // 0: our close_notify is sent; wait for the peer's (bounded by the timer).
        if (result == 0) return wait(std::move(op), asio::socket_base::wait_read, initiating);
        break;
    }
    if (result > 0) return complete(std::move(op), {}, n, initiating);
    const int sslError = SSL_get_error(ssl.get(), result);
    if (sslError == SSL_ERROR_WANT_READ && preparing) return prepare(std::move(op), initiating);
    if (sslError == SSL_ERROR_WANT_READ) return wait(std::move(op), asio::socket_base::wait_read, initiating);
    if (sslError == SSL_ERROR_WANT_WRITE) return wait(std::move(op), asio::socket_base::wait_write, initiating);
    auto ec = errorOf(sslError);
    if (sslError == SSL_ERROR_SSL || sslError == SSL_ERROR_SYSCALL) failed = true;
    ERR_clear_error();
    complete(std::move(op), ec, 0, initiating);
  }

  // What Asio's ssl::stream reports for the same failure.
  error_code errorOf(int sslError) {
    const unsigned long queued = ERR_peek_error();
    switch (sslError) {
      case SSL_ERROR_ZERO_RETURN: return asio::error::eof;
      case SSL_ERROR_SSL:
        if (ERR_GET_REASON(queued) == SSL_R_UNEXPECTED_EOF_WHILE_READING) return asio::ssl::error::stream_truncated;
        return {static_cast<int>(queued), asio::error::get_ssl_category()};
      case SSL_ERROR_SYSCALL:
        if (queued != 0) return {static_cast<int>(queued), asio::error::get_ssl_category()};
        if (socketErrno != 0) return {socketErrno, asio::error::get_system_category()};
        return asio::ssl::error::stream_truncated;
      default: return asio::error::fault;
    }
  }

  void wait(Op op, asio::socket_base::wait_type what, bool initiating) {
    if (timedOut) return complete(std::move(op), boost::beast::error::timeout, 0, initiating);
    socket.async_wait(what, [self = shared_from_this(), op = std::move(op)](error_code ec) mutable {
      if (!ec) return self->step(std::move(op), false);
      self->complete(std::move(op), self->timedOut ? error_code(boost::beast::error::timeout) : ec, 0, false);
    });
  }

  // The client's identity is known and its bytes held back: let the resolver get the key ready.
  void prepare(Op op, bool initiating) {
    auto pending = std::make_shared<Op>(std::move(op));
    std::weak_ptr<Core> weak = shared_from_this();
    bool later = resolver != nullptr && resolver->prepare(identity, [weak, pending] {
      auto self = weak.lock();
      if (!self) return;
      asio::post(self->socket.get_executor(), [self, pending] {
        if (!pending->done) return;  // `ready` called twice
        self->preparing = false;
        if (self->timedOut) return self->complete(std::move(*pending), boost::beast::error::timeout, 0, false);
        self->step(std::move(*pending), false);
      });
    });
    if (later) return;
    preparing = false;
    step(std::move(*pending), initiating);
  }

  void complete(Op op, error_code ec, std::size_t n, bool initiating) {
    // A write's plaintext is wiped and released however it ends (written, failed, timed out): it may
    // hold a secret (Response::secret), and an idle connection keeps no buffer.
    if (op.kind == Kind::Write) {
      crypto::wipe(writing.data(), writing.size());
      std::vector<unsigned char>().swap(writing);
    }
    if (!initiating) return std::move(op.done)(ec, n);
    asio::post(socket.get_executor(), [done = std::move(op.done), ec, n]() mutable { std::move(done)(ec, n); });
  }

  void expiresAfter(std::chrono::steady_clock::duration timeout) {
    timedOut = false;
    const unsigned generation = ++timerGeneration;
    timer.expires_after(timeout);
    timer.async_wait([weak = weak_from_this(), generation](error_code ec) {
      auto self = weak.lock();
      if (ec || !self || self->timerGeneration != generation) return;
      self->timedOut = true;
      error_code ignored;
      self->socket.cancel(ignored);  // the pending wait completes, with timeout
    });
  }
};

namespace {

TlsServerStream::Core* coreOf(BIO* bio) { return static_cast<TlsServerStream::Core*>(BIO_get_data(bio)); }

BIO_METHOD* makeSocketBioMethod() {
  BIO_METHOD* method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "rspf TLS server socket");
  if (!method) return nullptr;
  BIO_meth_set_read_ex(method, [](BIO* b, char* out, std::size_t size, std::size_t* got) {
    return coreOf(b)->bioRead(b, out, size, got);
  });
  BIO_meth_set_write_ex(method, [](BIO* b, const char* data, std::size_t size, std::size_t* put) {
    return coreOf(b)->bioWrite(b, data, size, put);
  });
  BIO_meth_set_ctrl(method, [](BIO* b, int cmd, long, void*) -> long {
    switch (cmd) {
      case BIO_CTRL_FLUSH: return 1;  // nothing is buffered here
      case BIO_CTRL_EOF: return coreOf(b)->peerClosed ? 1 : 0;
      default: return 0;
    }
  });
  return method;
}

// Made once, for the process's life (OpenSSL's own BIO methods are static too).
BIO_METHOD* socketBioMethod() {
  static BIO_METHOD* const method = makeSocketBioMethod();
  return method;
}

}  // namespace

TlsServerStream::TlsServerStream(asio::ip::tcp::socket socket, SSL_CTX* context)
    : core_(std::make_shared<Core>(std::move(socket), context)) {}

TlsServerStream::~TlsServerStream() = default;

TlsServerStream::executor_type TlsServerStream::get_executor() noexcept { return core_->socket.get_executor(); }

SSL* TlsServerStream::native_handle() noexcept { return core_->ssl.get(); }

void TlsServerStream::expiresAfter(std::chrono::steady_clock::duration timeout) { core_->expiresAfter(timeout); }

void TlsServerStream::watch(tls::PskIdentityResolver& resolver) {
  core_->resolver = &resolver;
  core_->scanner.emplace();
}

void TlsServerStream::stopWatching() noexcept { core_->scanner.reset(); }

void TlsServerStream::shutdownSocket() noexcept {
  error_code ignored;
  core_->socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
}

void TlsServerStream::startHandshake(Completion done) { core_->start({Kind::Handshake, {}, std::move(done)}); }

void TlsServerStream::startRead(asio::mutable_buffer into, Completion done) {
  core_->start({Kind::Read, into, std::move(done)});
}

void TlsServerStream::startWrite(std::vector<unsigned char> data, Completion done) {
  core_->writing = std::move(data);
  core_->start({Kind::Write, {}, std::move(done)});
}

void TlsServerStream::startShutdown(Completion done) { core_->start({Kind::Shutdown, {}, std::move(done)}); }

}  // namespace rspf::transport
