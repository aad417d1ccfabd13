#include "certificate_load_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "ca/certificate_request_builder.hpp"
#include "ca/csr_attributes.hpp"
#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "ca/pkcs7.hpp"
#include "raw_http.hpp"
#include "raw_tls.hpp"
#include "tls/certificate_profile.hpp"

namespace rspf::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kExchangeBody = R"({"certificateEnrolment":true,"mafEnrolment":false})";
constexpr int kKeysPerThread = 4;  // CSR keys, generated before the load (key generation is the client's cost)

// One context per identity: its certificate and key, the CA, TLS 1.2 ECDHE-ECDSA on P-256 only (as
// the MEF), no tickets and no session cache: every connection is a full handshake.
SslCtxPtr makeContext(const CertificateIdentity& identity, const X509& trustAnchor) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) throw std::runtime_error("SSL_CTX_new failed: " + openSslErrors());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  if (SSL_CTX_set_cipher_list(ctx.get(), tls::kTls12EcdsaCipherList) != 1 ||
      SSL_CTX_set1_groups_list(ctx.get(), "P-256") != 1 ||
      X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), const_cast<X509*>(&trustAnchor)) != 1 ||
      SSL_CTX_use_certificate(ctx.get(), identity.certificate.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx.get(), identity.privateKey.get()) != 1)
    throw std::runtime_error("cannot set up the client context for " + identity.enroleeId + ": " + openSslErrors());
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  return ctx;
}

class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// One HTTP/1.1 request on the connection and its whole response; the body on 200, else throws the reason.
std::string request(SSL* ssl, const std::string& head, const std::string& body, const char* what) {
  std::string bytes = head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  if (SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size())) != static_cast<int>(bytes.size()))
    throw std::runtime_error(std::string(what) + ": write: " + openSslErrors());
  RawHttpMessage response;
  if (!readHttpMessage(ssl, response, true))
    throw std::runtime_error(std::string(what) + (response.bytes.empty() ? ": no response: " + openSslErrors()
                                                                         : std::string(": truncated response")));
  if (response.head().substr(0, 13) != "HTTP/1.1 200 ")
    throw std::runtime_error(std::string(what) + ": " + response.bytes.substr(0, response.bytes.find("\r\n")) + " " +
                             std::string(response.body().substr(0, 200)));
  return std::string(response.body());
}

struct Shared {
  const CertificateLoadTarget* target = nullptr;
  const LoadSettings* settings = nullptr;
  std::vector<SslCtxPtr> contexts;  // one per identity
  sockaddr_in address{};
  Clock::time_point deadline;
  std::mutex mutex;
  LoadResult result;
  std::vector<std::uint32_t> latenciesUs;

  void noteFailure(const std::string& why) {
    std::lock_guard lock(mutex);
    if (result.firstFailure.empty()) result.firstFailure = why;
  }
  void noteCipher(const char* cipher) {
    std::lock_guard lock(mutex);
    if (result.cipher.empty()) result.cipher = cipher;
    haveCipher = true;
  }
  std::atomic<bool> haveCipher{false};
};

// One certificate enrolment on a fresh connection; throws the reason of a failure.
void enrolOnce(Shared& s, std::size_t index, const EVP_PKEY& csrKey) {
  const auto& target = *s.target;
  const auto& identity = (*target.identities)[index];
  Socket sock;
  if (sock.get() < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  timeval tv{};
  tv.tv_sec = s.settings->ioTimeout.count() / 1000;
  tv.tv_usec = static_cast<suseconds_t>((s.settings->ioTimeout.count() % 1000) * 1000);
  int one = 1;
  setsockopt(sock.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(sock.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  setsockopt(sock.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(sock.get(), reinterpret_cast<const sockaddr*>(&s.address), sizeof s.address) != 0)
    throw std::runtime_error(std::string("connect: ") + std::strerror(errno));

  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(s.contexts[index].get()), SSL_free);
  if (!ssl) throw std::runtime_error("SSL_new: " + openSslErrors());
  SSL_set_fd(ssl.get(), sock.get());
  if (SSL_set_tlsext_host_name(ssl.get(), target.serverName.c_str()) != 1 ||
      SSL_set1_host(ssl.get(), target.serverName.c_str()) != 1)
    throw std::runtime_error("cannot set the server name: " + openSslErrors());
  if (SSL_connect(ssl.get()) != 1) {
    std::string e = openSslErrors();
    throw std::runtime_error("handshake: " + (e.empty() ? std::string(std::strerror(errno)) : e));
  }

  const std::string host = "Host: " + target.serverName + "\r\n";
  auto exchanged =
      request(ssl.get(), "POST /enrolment/exchange HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n",
              kExchangeBody, "exchange");
  if (exchanged.find("\"keId\"") == std::string::npos)
    throw std::runtime_error("exchange: no keId in " + exchanged.substr(0, 200));
  auto attributesBody = request(ssl.get(), "GET /.well-known/est/csrattrs HTTP/1.1\r\n" + host, "", "csrattrs");
  auto attributes = ca::parseCsrAttributes(ca::estBase64Decode(attributesBody, "the csrattrs body"));
  if (!attributes.challengePassword || attributes.challengePassword->empty())
    throw std::runtime_error("csrattrs: no challengePassword value");
  auto csr = ca::estBase64Encode(ca::buildCertificateRequest(csrKey, identity.enroleeId, attributes));
  auto issued = request(ssl.get(),
                        "POST /.well-known/est/simpleenroll HTTP/1.1\r\n" + host +
                            "Content-Type: application/pkcs10\r\nConnection: close\r\n",
                        csr, "simpleenroll");
  if (ca::certificatesFromPkcs7(ca::estBase64Decode(issued, "the simpleenroll body")).empty())
    throw std::runtime_error("simpleenroll: no certificate in the answer");
  if (!s.haveCipher.load(std::memory_order_relaxed)) s.noteCipher(SSL_get_cipher_name(ssl.get()));
  SSL_shutdown(ssl.get());  // one close_notify, no wait for the peer's
  linger hard{1, 0};        // reset: no TIME_WAIT on the load generator's side
  setsockopt(sock.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
}

void clientLoop(Shared& s, std::size_t thread, std::size_t threads, const std::vector<ca::EvpPkeyPtr>& keys) {
  pthread_setname_np(pthread_self(), "bench-client");
  const double cpuStart = threadCpuSeconds();
  const std::size_t identities = s.target->identities->size();
  std::uint64_t ok = 0, failed = 0, turn = 0;
  std::vector<std::uint32_t> latencies;
  latencies.reserve(1 << 14);
  while (Clock::now() < s.deadline) {
    std::size_t index = thread + threads * (turn % ((identities - thread + threads - 1) / threads));
    const EVP_PKEY& key = *keys[turn % keys.size()];
    ++turn;
    auto start = Clock::now();
    try {
      enrolOnce(s, index, key);
      ++ok;
      latencies.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count()));
    } catch (const std::exception& e) {
      ++failed;
      ERR_clear_error();
      s.noteFailure(e.what());
    }
  }
  const double cpu = threadCpuSeconds() - cpuStart;
  std::lock_guard lock(s.mutex);
  s.result.successes += ok;
  s.result.failures += failed;
  s.result.clientCpuSeconds += cpu;
  s.latenciesUs.insert(s.latenciesUs.end(), latencies.begin(), latencies.end());
}

}  // namespace

LoadResult runCertificateLoad(const CertificateLoadTarget& target, const LoadSettings& settings) {
  const auto threads = static_cast<std::size_t>(std::max(1, settings.clients));
  if (target.identities == nullptr || target.identities->size() < threads || target.trustAnchor == nullptr)
    throw std::invalid_argument("the certificate load needs a trust anchor and at least one identity per client");
  Shared s;
  s.target = &target;
  s.settings = &settings;
  s.address.sin_family = AF_INET;
  s.address.sin_port = htons(target.port);
  if (inet_pton(AF_INET, target.host.c_str(), &s.address.sin_addr) != 1)
    throw std::invalid_argument("the load generator takes an IPv4 address, not '" + target.host + "'");
  for (const auto& identity : *target.identities) s.contexts.push_back(makeContext(identity, *target.trustAnchor));
  std::vector<std::vector<ca::EvpPkeyPtr>> keys(threads);
  for (auto& own : keys)
    for (int i = 0; i < kKeysPerThread; ++i) own.push_back(ca::generateP256Key());

  const auto start = Clock::now();
  s.deadline = start + settings.duration;
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < threads; ++t)
    workers.emplace_back([&s, &keys, t, threads] { clientLoop(s, t, threads, keys[t]); });
  for (auto& w : workers) w.join();
  s.result.elapsedSeconds = std::chrono::duration<double>(Clock::now() - start).count();
  s.result.latencyP50Ms = percentileMs(s.latenciesUs, 0.50);
  s.result.latencyP99Ms = percentileMs(s.latenciesUs, 0.99);
  return s.result;
}

}  // namespace rspf::bench
