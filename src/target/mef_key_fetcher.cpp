#include "target/mef_key_fetcher.hpp"

#include <type_traits>

#include "ca/embedded_ca.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"
#include "procedures/procedure_observer.hpp"
#include "target/key_retrieval_answer.hpp"
#include "transport/https/http_codec.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::target {

MefKeyFetcher::MefKeyFetcher(std::string targetId, OwnEnrolment own) : targetId_(std::move(targetId)) {
  replace(std::move(own));
}

MefKeyFetcher::MefKeyFetcher(std::string targetId, MefCertificateCredentials certificate)
    : targetId_(std::move(targetId)) {
  replace(std::move(certificate));
}

void MefKeyFetcher::replace(OwnEnrolment own) {
  auto next = std::make_shared<Credential>();
  next->expiry = own.expiry;
  next->own = std::move(own);
  openSessionsFor(*next);
  std::lock_guard lock(mutex_);
  credential_ = std::move(next);
}

void MefKeyFetcher::replace(MefCertificateCredentials certificate) {
  auto next = std::make_shared<Credential>();
  next->own.mefUrl = certificate.mefUrl;
  next->own.mefFqdn = certificate.mefFqdn;
  next->expiry = ca::describeIssuedCertificate(ca::certificateDer(*certificate.certificate)).notAfter;
  next->certificate = std::move(certificate);
  openSessionsFor(*next);
  std::lock_guard lock(mutex_);
  credential_ = std::move(next);
}

std::shared_ptr<const MefKeyFetcher::Credential> MefKeyFetcher::current() const {
  std::lock_guard lock(mutex_);
  return credential_;
}

TimePoint MefKeyFetcher::enrolmentExpiry() const { return current()->expiry; }

OwnEnrolment MefKeyFetcher::ownEnrolment() const {
  auto c = current();
  if (c->certificate) throw Error(ErrorCode::Internal, "this target authenticates to the MEF by certificate");
  return c->own;
}

namespace {
constexpr auto kMefTimeout = std::chrono::seconds(5);  // a handshake or an answer from the MEF
}  // namespace

void MefKeyFetcher::openSessionsFor(Credential& c) {
  // A client of either binding, authenticated by the credential (both take the same ones).
  auto open = [&c](const auto& endpoint, auto binding) {
    using Client = typename decltype(binding)::type;
    if (c.certificate)
      return std::make_unique<Client>(
          endpoint, c.own.mefFqdn,
          tls::CertificateClientCredentials{c.certificate->certificate.get(), c.certificate->privateKey.get(),
                                            c.certificate->mefTrustAnchors.get()},
          kMefTimeout);
    return std::make_unique<Client>(endpoint, tls::PskClientSettings{c.own.mefFqdn, false},
                                    tls::PskClientCredentials{c.own.kreId, c.own.kre}, kMefTimeout);
  };
  if (auto coaps = transport::parseCoapsUrl(c.own.mefUrl)) {
    c.coaps = std::make_unique<MefCoapsSession>(
        [open, endpoint = *coaps] { return open(endpoint, std::type_identity<transport::CoapsClient>{}); });
    return;
  }
  auto endpoint = transport::parseHttpsUrl(c.own.mefUrl);
  if (!endpoint) throw Error(ErrorCode::Config, "bad MEF URL " + c.own.mefUrl.substr(0, 200));
  c.sessions = std::make_unique<transport::HttpsConnectionPool>(
      [open, endpoint = *endpoint] { return open(endpoint, std::type_identity<transport::HttpsClient>{}); });
}

transport::HttpResponse MefKeyFetcher::get(const std::string& path) const {
  auto c = current();  // held until the answer: its sessions live while in use
  if (c->coaps) {      // a refusal throws, with the MEF's reason
    transport::HttpResponse response;
    response.body = c->coaps->get(path, targetId_).body;
    return response;
  }
  return c->sessions->request({"GET", path, {{"X-M2M-Origin", targetId_}}, ""});
}

std::uint64_t MefKeyFetcher::sessionsOpened() const {
  auto c = current();
  return c->coaps ? c->coaps->opened() : c->sessions->opened();
}

ProvisionedKey MefKeyFetcher::fetch(const std::string& keId, int suid) const {
  const auto started = std::chrono::steady_clock::now();
  auto report = [&](std::string_view outcome) {
    if (observer_) observer_(outcome, std::chrono::steady_clock::now() - started);
  };
  try {
    auto key = fetchFromMef(keId, suid);
    report("success");
    return key;
  } catch (const Error& e) {
    report(procedures::outcomeOf(e.code()));
    throw;
  } catch (const std::exception&) {
    report("error");
    throw;
  }
}

ProvisionedKey MefKeyFetcher::fetchFromMef(const std::string& keId, int suid) const {
  std::string suidText = (suid < 10 ? "0" : "") + std::to_string(suid);
  auto response = get("/fetchCredentials/" + keId + "/" + suidText);
  if (response.status != 200) transport::throwRefusal(response, "MEF Key Retrieval");
  return parseKeyRetrievalAnswer(response.body);
}

}  // namespace rspf::target
