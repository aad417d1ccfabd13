#include "gba_baseline_load.hpp"

#include <openssl/err.h>
#include <pthread.h>

#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "raw_connection.hpp"
#include "raw_tls.hpp"

namespace rspf::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Contexts {
  SslCtxPtr ub, zn, psk;
};

void enrolOnce(const GbaBaselineTarget& t, const Contexts& c, std::chrono::milliseconds timeout) {
  const auto bsf = loopbackAddress(t.host, t.bsfPort);
  const std::string bsfHost = "Host: " + t.bsfName + "\r\n";
  {
    RawTlsConnection ub(bsf, c.ub.get(), timeout);
    ub.handshake(t.bsfName, true);
    ub.request("GET /bootstrap HTTP/1.1\r\n" + bsfHost, "", "Ub challenge");
    ub.request("GET /bootstrap HTTP/1.1\r\n" + bsfHost + "Connection: close\r\n", "", "Ub response");
    ub.close();
  }
  {
    RawTlsConnection zn(bsf, c.zn.get(), timeout);
    zn.handshake(t.bsfName, true);
    zn.request("POST /zn HTTP/1.1\r\n" + bsfHost + "Content-Type: application/json\r\nConnection: close\r\n",
               "{\"btid\":\"b\"}", "Zn");
    zn.close();
  }
  RawTlsConnection session(loopbackAddress(t.host, t.mefPort), c.psk.get(), timeout);
  SSL_set_app_data(session.ssl(), const_cast<PskCredential*>(&t.psk));
  session.handshake(t.mefName, false);
  session.request("POST /enrolment/exchange HTTP/1.1\r\nHost: " + t.mefName +
                      "\r\nContent-Type: application/json\r\nConnection: close\r\n",
                  "{\"certificateEnrolment\":false,\"mafEnrolment\":false}", "exchange");
  session.close();
}

}  // namespace

LoadResult runGbaBaselineLoad(const GbaBaselineTarget& target, const LoadSettings& settings) {
  if (target.bsfTrustAnchor == nullptr || target.nafCertificate == nullptr || target.nafKey == nullptr)
    throw std::invalid_argument("the GBA baseline needs the BSF's trust anchor and the NAF's certificate and key");
  Contexts contexts{newRawCertificateClientContext(*target.bsfTrustAnchor, nullptr, nullptr),
                    newRawCertificateClientContext(*target.bsfTrustAnchor, target.nafCertificate, target.nafKey),
                    newRawPskClientContext()};
  std::mutex mutex;
  LoadResult result;
  std::vector<std::uint32_t> latenciesUs;
  const auto start = Clock::now();
  const auto deadline = start + settings.duration;
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, settings.clients); ++i) {
    threads.emplace_back([&] {
      pthread_setname_np(pthread_self(), "bench-client");
      const double cpuStart = threadCpuSeconds();
      std::uint64_t ok = 0, failed = 0;
      std::string firstFailure;
      std::vector<std::uint32_t> latencies;
      while (Clock::now() < deadline) {
        auto t0 = Clock::now();
        try {
          enrolOnce(target, contexts, settings.ioTimeout);
          ++ok;
          latencies.push_back(static_cast<std::uint32_t>(
              std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count()));
        } catch (const std::exception& e) {
          ++failed;
          ERR_clear_error();
          if (firstFailure.empty()) firstFailure = e.what();
        }
      }
      const double cpu = threadCpuSeconds() - cpuStart;
      std::lock_guard lock(mutex);
      result.successes += ok;
      result.failures += failed;
      result.clientCpuSeconds += cpu;
      if (result.firstFailure.empty()) result.firstFailure = firstFailure;
      latenciesUs.insert(latenciesUs.end(), latencies.begin(), latencies.end());
    });
  }
  for (auto& t : threads) t.join();
  result.elapsedSeconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.latencyP50Ms = percentileMs(latenciesUs, 0.50);
  result.latencyP99Ms = percentileMs(latenciesUs, 0.99);
  return result;
}

}  // namespace rspf::bench
