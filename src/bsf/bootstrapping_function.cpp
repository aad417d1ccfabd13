#include "bsf/bootstrapping_function.hpp"

#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "common/remote_address.hpp"
#include "crypto/encoding.hpp"
#include "crypto/gba_key_derivation.hpp"
#include "crypto/http_digest.hpp"
#include "crypto/primitives.hpp"

namespace rspf::bsf {
namespace {

constexpr std::string_view kAlgorithm = "AKAv1-MD5";  // RFC 3310 3.1
constexpr std::string_view kQop = "auth-int";         // TS 24.109 4.5.2
// The AMF of the vectors this HSS generates (operator-specific, TS 33.102 6.3.2).
constexpr std::uint8_t kAmf[crypto::kAmfSize] = {0x80, 0x00};

std::string xmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

void decrement(std::map<std::string, std::size_t>& counts, const std::string& key) {
  auto it = counts.find(key);
  if (it != counts.end() && --it->second == 0) counts.erase(it);
}

}  // namespace

BootstrappingFunction::BootstrappingFunction(SubscriberStore& store, BootstrappingSettings settings)
    : store_(store), settings_(std::move(settings)) {}

transport::HttpResponse BootstrappingFunction::handle(const transport::HttpRequest& request, std::string_view source) {
  if (request.method != "GET") throw Error(ErrorCode::BadRequest, "Ub takes GET / (TS 24.109 4.5.2)");
  auto authorization = request.header("Authorization");
  if (!authorization)
    throw Error(ErrorCode::BadRequest,
                "Ub needs an Authorization header: Digest username=\"<IMPI>\" (TS 24.109 4.5.2)");
  auto digest = transport::DigestParameters::parse(*authorization);
  std::string impi = digest.require("username");
  if (impi.empty()) throw Error(ErrorCode::BadRequest, "the Digest username (the IMPI) is empty");
  auto nonce = digest.get("nonce");
  const std::string address = addressOf(source);
  if (!nonce || nonce->empty()) return challenge(impi, address, false);
  return answer(impi, address, *nonce, digest, request);
}

void BootstrappingFunction::forget(std::map<std::string, PendingChallenge>::iterator it) {
  decrement(pendingPerImpi_, it->second.impi);
  decrement(pendingPerSource_, it->second.source);
  pending_.erase(it);
}

void BootstrappingFunction::admitChallenge(const std::string& impi, const std::string& source) {
  const auto t = now();
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto next = std::next(it);
    if (it->second.expiry <= t) forget(it);
    it = next;
  }
  auto countOf = [](const std::map<std::string, std::size_t>& counts, const std::string& key) {
    auto it = counts.find(key);
    return it == counts.end() ? std::size_t{0} : it->second;
  };
  if (countOf(pendingPerImpi_, impi) >= settings_.maxChallengesPerImpi)
    throw Error(ErrorCode::Unavailable, "this IMPI has " + std::to_string(settings_.maxChallengesPerImpi) +
                                            " unanswered challenges; answer one or retry in " +
                                            std::to_string(settings_.challengeLifetime.count()) + "s");
  if (countOf(pendingPerSource_, source) >= settings_.maxChallengesPerSource)
    throw Error(ErrorCode::Unavailable, "too many unanswered challenges from this address; retry in " +
                                            std::to_string(settings_.challengeLifetime.count()) + "s");
  if (pending_.size() >= settings_.maxPendingChallenges)
    throw Error(ErrorCode::Unavailable, "the BSF has too many unanswered challenges; retry shortly");
}

transport::HttpResponse BootstrappingFunction::challenge(const std::string& impi, const std::string& source,
                                                         bool stale) {
  auto subscriber = store_.findSubscriber(impi);
  if (!subscriber) {
    spdlog::info("Ub: unknown IMPI '{}'", impi);
    throw Error(ErrorCode::Forbidden, "unknown subscriber (IMPI) '" + impi + "'");
  }
  // Before nextSqn: a refused challenge takes no SQN. The admitted challenge holds its place in the
  // counts while its vector is generated (outside the lock: nextSqn writes durably).
  {
    std::lock_guard lock(mutex_);
    admitChallenge(impi, source);
    ++pendingPerImpi_[impi];
    ++pendingPerSource_[source];
  }
  struct Reservation {
    BootstrappingFunction& self;
    const std::string &impi, &source;
    bool kept = false;
    ~Reservation() {
      if (kept) return;
      std::lock_guard lock(self.mutex_);
      decrement(self.pendingPerImpi_, impi);
      decrement(self.pendingPerSource_, source);
    }
  } reservation{*this, impi, source};
  crypto::Milenage milenage(std::move(subscriber->k), std::move(subscriber->opc));
  std::uint64_t sqn = store_.nextSqn(impi);  // durable before the vector leaves (TS 33.102 C.1.1)
  PendingChallenge pending;
  pending.impi = impi;
  pending.source = source;
  pending.vector = crypto::generateAuthenticationVector(milenage, crypto::randomBytes(crypto::kRandSize), sqn, kAmf);
  pending.opaque = crypto::toBase64(crypto::randomBytes(12));
  pending.uicc = subscriber->guss.uicc;
  pending.expiry = now() + settings_.challengeLifetime;
  crypto::Bytes randAutn = pending.vector.rand;
  randAutn.insert(randAutn.end(), pending.vector.autn.begin(), pending.vector.autn.end());
  std::string nonce = crypto::toBase64(randAutn);  // RFC 3310 3.2
  std::string opaque = pending.opaque;
  {
    std::lock_guard lock(mutex_);
    reservation.kept = pending_.emplace(nonce, std::move(pending)).second;
  }
  std::vector<transport::DigestField> fields{{"realm", settings_.fqdn},
                                             {"nonce", nonce},
                                             {"algorithm", std::string(kAlgorithm), false},
                                             {"qop", std::string(kQop)},
                                             {"opaque", opaque}};
  if (stale) fields.push_back({"stale", "TRUE", false});
  transport::HttpResponse r;
  r.status = 401;
  r.headers.emplace_back("WWW-Authenticate", transport::formatDigestHeader(fields));
  r.contentType = "text/plain";
  r.body = "Digest AKA challenge";
  return r;
}

std::optional<BootstrappingFunction::PendingChallenge> BootstrappingFunction::takePending(const std::string& nonce) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(nonce);
  if (it == pending_.end()) return std::nullopt;
  if (it->second.expiry <= now()) {
    forget(it);
    return std::nullopt;
  }
  PendingChallenge p = std::move(it->second);
  decrement(pendingPerImpi_, p.impi);
  decrement(pendingPerSource_, p.source);
  pending_.erase(it);  // a vector is answered at most once
  return p;
}

transport::HttpResponse BootstrappingFunction::answer(const std::string& impi, const std::string& source,
                                                      const std::string& nonce,
                                                      const transport::DigestParameters& digest,
                                                      const transport::HttpRequest& request) {
  auto pending = takePending(nonce);
  if (!pending) {
    spdlog::info("Ub: {} answered an unknown, used or expired nonce; challenging again", impi);
    return challenge(impi, source, true);
  }
  if (pending->impi != impi)
    throw Error(ErrorCode::Forbidden, "the Digest username does not match the challenged IMPI");
  if (digest.require("realm") != settings_.fqdn)
    throw Error(ErrorCode::BadRequest, "the Digest realm must be '" + settings_.fqdn + "'");
  if (digest.require("qop") != kQop) throw Error(ErrorCode::BadRequest, "the Digest qop must be auth-int");
  if (auto algorithm = digest.get("algorithm"); algorithm && *algorithm != kAlgorithm)
    throw Error(ErrorCode::BadRequest, "the Digest algorithm must be AKAv1-MD5");
  if (digest.require("opaque") != pending->opaque)
    throw Error(ErrorCode::BadRequest, "the Digest opaque does not match the challenge");
  std::string uri = digest.require("uri");
  if (uri != std::string_view(request.target).substr(0, request.target.find('?')))
    throw Error(ErrorCode::BadRequest, "the Digest uri must be the request-URI (RFC 2617 3.2.2.5)");
  std::string nc = digest.require("nc");
  std::string cnonce = digest.require("cnonce");
  std::string response = digest.require("response");
  crypto::DigestInputs in{impi, settings_.fqdn, {}, nonce, nc, cnonce, kQop, request.method, uri, request.body};

  if (auto autsText = digest.get("auts")) {
    // Synchronisation failure (RFC 3310 3.4): the response uses an empty password.
    auto auts = crypto::fromBase64(*autsText);
    if (!auts || auts->size() != crypto::kAutsSize)
      throw Error(ErrorCode::BadRequest, "the Digest auts must be base64 of 14 bytes (TS 33.102 6.3.3)");
    if (!crypto::constantTimeEqual(crypto::asBytes(crypto::digestResponse(in)), crypto::asBytes(response)))
      throw Error(ErrorCode::Forbidden, "the Digest response of the resynchronisation request does not verify");
    auto subscriber = store_.findSubscriber(impi);
    if (!subscriber) throw Error(ErrorCode::Forbidden, "unknown subscriber (IMPI) '" + impi + "'");
    crypto::Milenage milenage(std::move(subscriber->k), std::move(subscriber->opc));
    auto sqnMs = crypto::sqnFromAuts(milenage, pending->vector.rand, *auts);
    if (!sqnMs) throw Error(ErrorCode::Forbidden, "AUTS does not verify (MAC-S mismatch, TS 33.102 6.3.5)");
    store_.resetSqn(impi, *sqnMs);
    spdlog::info("Ub: resynchronised SQN of {}", impi);
    return challenge(impi, source, false);
  }

  in.password = pending->vector.xres.view();  // RFC 3310 3.3
  if (!crypto::constantTimeEqual(crypto::asBytes(crypto::digestResponse(in)), crypto::asBytes(response))) {
    spdlog::info("Ub: {} answered with a wrong RES", impi);
    throw Error(ErrorCode::Forbidden, "Digest AKA authentication failed (the response does not match RES)");
  }

  BootstrappingSession session;
  session.btid = crypto::bootstrappingTransactionId(pending->vector.rand, settings_.fqdn);
  session.impi = impi;
  session.rand = pending->vector.rand;
  session.ks = crypto::bootstrappedKey(pending->vector.ck, pending->vector.ik);
  session.uicc = pending->uicc;
  session.expiry = now() + settings_.btidLifetime;
  store_.saveSession(session);
  spdlog::info("Ub: {} bootstrapped, B-TID {} until {}", impi, session.btid, toRfc3339(session.expiry));

  transport::HttpResponse r;
  r.contentType = "application/vnd.3gpp.bsf+xml";  // TS 24.109 annex C
  r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BootstrappingInfo xmlns=\"uri:3gpp-gba\"><btid>" +
           xmlEscape(session.btid) + "</btid><lifetime>" + toRfc3339(session.expiry) +
           "</lifetime></BootstrappingInfo>";
  crypto::DigestInputs rspauth = in;
  rspauth.entityBody = r.body;
  r.headers.emplace_back("Authentication-Info",
                         transport::formatDigestHeader({{"qop", std::string(kQop), false},
                                                        {"rspauth", crypto::digestResponseAuth(rspauth)},
                                                        {"cnonce", cnonce},
                                                        {"nc", nc, false}}));
  return r;
}

}  // namespace rspf::bsf
