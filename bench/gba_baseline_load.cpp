#include "gba_baseline_load.hpp"

#include <stdexcept>

#include "raw_connection.hpp"
#include "raw_tls.hpp"

namespace rspf::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Set up once per run: the three client contexts and both servers' addresses.
struct Contexts {
  SslCtxPtr ub, zn, psk;
  sockaddr_in bsf{}, mef{};
};

void enrolOnce(const GbaBaselineTarget& t, const Contexts& c, std::chrono::milliseconds timeout) {
  const auto& bsf = c.bsf;
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
  RawTlsConnection session(c.mef, c.psk.get(), timeout);
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
                    newRawPskClientContext(), loopbackAddress(target.host, target.bsfPort),
                    loopbackAddress(target.host, target.mefPort)};
  const auto deadline = Clock::now() + settings.duration;
  return runClientThreads(settings.clients, [&](int, ClientTally& tally) {
    while (Clock::now() < deadline) {
      auto start = Clock::now();
      try {
        enrolOnce(target, contexts, settings.ioTimeout);
        tally.succeeded(start);
      } catch (const std::exception& e) {
        tally.failed(e.what());
      }
    }
  });
}

}  // namespace rspf::bench
