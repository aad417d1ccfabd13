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
#include "raw_connection.hpp"
#include "raw_http.hpp"
#include "raw_tls.hpp"

namespace rspf::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kExchangeBody = R"({"certificateEnrolment":true,"mafEnrolment":false})";
constexpr int kKeysPerThread = 4;  // CSR keys, generated before the load (key generation is the client's cost)

struct Shared {
  const CertificateLoadTarget* target = nullptr;
  const LoadSettings* settings = nullptr;
  std::vector<SslCtxPtr> contexts;  // one per identity
  sockaddr_in address{};
  Clock::time_point deadline;
};

// One certificate enrolment on a fresh connection; throws the reason of a failure.
void enrolOnce(Shared& s, std::size_t index, const EVP_PKEY& csrKey, std::string& cipher) {
  const auto& target = *s.target;
  const auto& identity = (*target.identities)[index];
  RawTlsConnection connection(s.address, s.contexts[index].get(), s.settings->ioTimeout);
  connection.handshake(target.serverName, true);
  const std::string host = "Host: " + target.serverName + "\r\n";
  auto exchanged = connection.request(
      "POST /enrolment/exchange HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n", kExchangeBody, "exchange");
  if (exchanged.find("\"keId\"") == std::string::npos)
    throw std::runtime_error("exchange: no keId in " + exchanged.substr(0, 200));
  auto attributesBody = connection.request("GET /.well-known/est/csrattrs HTTP/1.1\r\n" + host, "", "csrattrs");
  auto attributes = ca::parseCsrAttributes(ca::estBase64Decode(attributesBody, "the csrattrs body"));
  if (!attributes.challengePassword || attributes.challengePassword->empty())
    throw std::runtime_error("csrattrs: no challengePassword value");
  auto csr = ca::estBase64Encode(ca::buildCertificateRequest(csrKey, identity.enroleeId, attributes));
  auto issued = connection.request("POST /.well-known/est/simpleenroll HTTP/1.1\r\n" + host +
                                       "Content-Type: application/pkcs10\r\nConnection: close\r\n",
                                   csr, "simpleenroll");
  if (ca::certificatesFromPkcs7(ca::estBase64Decode(issued, "the simpleenroll body")).empty())
    throw std::runtime_error("simpleenroll: no certificate in the answer");
  if (cipher.empty()) cipher = SSL_get_cipher_name(connection.ssl());
  connection.close();
}

void clientLoop(Shared& s, std::size_t thread, std::size_t threads, const std::vector<ca::EvpPkeyPtr>& keys,
                ClientTally& tally) {
  const std::size_t identities = s.target->identities->size();
  std::uint64_t turn = 0;
  tally.latenciesUs.reserve(1 << 14);
  while (Clock::now() < s.deadline) {
    std::size_t index = thread + threads * (turn % ((identities - thread + threads - 1) / threads));
    const EVP_PKEY& key = *keys[turn % keys.size()];
    ++turn;
    auto start = Clock::now();
    try {
      enrolOnce(s, index, key, tally.cipher);
      tally.succeeded(start);
    } catch (const std::exception& e) {
      tally.failed(e.what());
    }
  }
}

}  // namespace

LoadResult runCertificateLoad(const CertificateLoadTarget& target, const LoadSettings& settings) {
  const auto threads = static_cast<std::size_t>(std::max(1, settings.clients));
  if (target.identities == nullptr || target.identities->size() < threads || target.trustAnchor == nullptr)
    throw std::invalid_argument("the certificate load needs a trust anchor and at least one identity per client");
  Shared s;
  s.target = &target;
  s.settings = &settings;
  s.address = loopbackAddress(target.host, target.port);
  // One context per identity (its certificate and key), every connection a full handshake.
  for (const auto& identity : *target.identities)
    s.contexts.push_back(newRawCertificateClientContext(const_cast<X509&>(*target.trustAnchor),
                                                        identity.certificate.get(), identity.privateKey.get()));
  std::vector<std::vector<ca::EvpPkeyPtr>> keys(threads);
  for (auto& own : keys)
    for (int i = 0; i < kKeysPerThread; ++i) own.push_back(ca::generateP256Key());

  s.deadline = Clock::now() + settings.duration;
  return runClientThreads(static_cast<int>(threads), [&s, &keys, threads](int t, ClientTally& tally) {
    clientLoop(s, static_cast<std::size_t>(t), threads, keys[static_cast<std::size_t>(t)], tally);
  });
}

}  // namespace rspf::bench
