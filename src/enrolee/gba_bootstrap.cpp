#include "enrolee/gba_bootstrap.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "ca/openssl_objects.hpp"
#include "ca/pem.hpp"
#include "common/error.hpp"
#include "common/private_file.hpp"
#include "common/strict_json.hpp"
#include "crypto/aead.hpp"
#include "crypto/encoding.hpp"
#include "crypto/gba_key_derivation.hpp"
#include "crypto/http_digest.hpp"
#include "crypto/primitives.hpp"
#include "transport/https/digest_header.hpp"
#include "transport/https/https_client.hpp"

namespace rspf::enrolee {
namespace {

constexpr const char* kFormat = "rspf-gba-bootstrapped-key/1";
constexpr std::string_view kUri = "/";
constexpr std::string_view kNonceCount = "00000001";

std::string textBetween(std::string_view body, std::string_view open, std::string_view close) {
  auto start = body.find(open);
  if (start == std::string_view::npos) return {};
  start += open.size();
  auto end = body.find(close, start);
  return end == std::string_view::npos ? std::string() : std::string(body.substr(start, end - start));
}

[[noreturn]] void throwBsfError(const transport::HttpResponse& r, std::string_view what) {
  auto body = parseStrictJsonOrDiscarded(r.body);
  std::string reason = body.is_object() && body.contains("ErrorString") && body["ErrorString"].is_string()
                           ? body["ErrorString"].get<std::string>()
                           : "no reason given";
  throw Error(r.status == 403   ? ErrorCode::Forbidden
              : r.status == 400 ? ErrorCode::BadRequest
                                : ErrorCode::Unavailable,
              "the BSF refused " + std::string(what) + " (" + std::to_string(r.status) + "): " + reason);
}

struct Challenge {
  std::string nonce;
  std::string opaque;
  crypto::Bytes rand;
  crypto::Bytes autn;
};

Challenge readChallenge(const transport::HttpResponse& r, const BsfEndpoint& bsf) {
  if (r.status != 401) throwBsfError(r, "the bootstrapping request");
  auto header = r.header("WWW-Authenticate");
  if (!header) throw Error(ErrorCode::Unavailable, "the BSF's 401 carries no WWW-Authenticate challenge");
  auto digest = transport::DigestParameters::parse(*header);
  if (digest.get("algorithm").value_or("") != "AKAv1-MD5")
    throw Error(ErrorCode::Unavailable, "the BSF's challenge is not algorithm=AKAv1-MD5 (RFC 3310)");
  if (digest.require("realm") != bsf.fqdn)
    throw Error(ErrorCode::Unavailable, "the BSF's realm is not its FQDN '" + bsf.fqdn + "'");
  Challenge c;
  c.nonce = digest.require("nonce");
  c.opaque = digest.get("opaque").value_or("");
  auto randAutn = crypto::fromBase64(c.nonce);
  if (!randAutn || randAutn->size() != crypto::kRandSize + crypto::kAutnSize)
    throw Error(ErrorCode::Unavailable, "the BSF's nonce is not base64(RAND || AUTN) (RFC 3310 3.2)");
  c.rand.assign(randAutn->begin(), randAutn->begin() + crypto::kRandSize);
  c.autn.assign(randAutn->begin() + crypto::kRandSize, randAutn->end());
  return c;
}

transport::HttpRequest ubRequest(std::string authorization) {
  transport::HttpRequest request{"GET", std::string(kUri), {}, ""};
  request.headers.emplace_back("Authorization", std::move(authorization));
  return request;
}

// The Authorization answering `c`; `password` is RES, or empty with AUTS (RFC 3310 3.3, 3.4).
std::string authorization(const BsfEndpoint& bsf, const std::string& impi, const Challenge& c,
                          crypto::ByteView password, const std::string& cnonce, const crypto::Bytes* auts) {
  crypto::DigestInputs in{impi, bsf.fqdn, password, c.nonce, kNonceCount, cnonce, "auth-int", "GET", kUri, ""};
  std::vector<transport::DigestField> fields{{"username", impi},         {"realm", bsf.fqdn},
                                             {"nonce", c.nonce},         {"uri", std::string(kUri)},
                                             {"qop", "auth-int", false}, {"nc", std::string(kNonceCount), false},
                                             {"cnonce", cnonce},         {"response", crypto::digestResponse(in)},
                                             {"opaque", c.opaque},       {"algorithm", "AKAv1-MD5", false}};
  if (auts != nullptr) fields.push_back({"auts", crypto::toBase64(*auts)});
  return transport::formatDigestHeader(fields);
}

}  // namespace

BootstrappedKey runBootstrapping(const BsfEndpoint& bsf, SimulatedUsim& usim) {
  auto endpoint = transport::parseHttpsUrl(bsf.url);
  if (!endpoint) throw Error(ErrorCode::Config, "BSF URL must look like https://host:port, got '" + bsf.url + "'");
  auto anchors = ca::loadTrustStoreFile(bsf.trustAnchors);
  transport::HttpsClient client(*endpoint, bsf.fqdn,
                                tls::CertificateClientCredentials{nullptr, nullptr, anchors.get()});

  // TS 24.109 4.5.2: the first request names the IMPI, with an empty nonce and response.
  auto response = client.request(ubRequest(transport::formatDigestHeader(
      {{"username", usim.impi()}, {"realm", bsf.fqdn}, {"nonce", ""}, {"uri", std::string(kUri)}, {"response", ""}})));
  for (int attempt = 0;; ++attempt) {
    Challenge challenge = readChallenge(response, bsf);
    auto aka = usim.authenticate(challenge.rand, challenge.autn);
    std::string cnonce = crypto::toHex(crypto::randomBytes(16));
    if (aka.outcome == crypto::AkaResult::Outcome::MacFailure)
      throw Error(ErrorCode::Forbidden,
                  "the USIM refused the BSF's challenge: AUTN MAC mismatch (wrong K or OPc in the USIM file, or "
                  "a BSF of another home network) (TS 33.102 6.3.3)");
    if (aka.outcome == crypto::AkaResult::Outcome::SynchronisationFailure) {
      if (attempt > 0) throw Error(ErrorCode::Forbidden, "the BSF's SQN is still out of range after resynchronisation");
      spdlog::info("USIM: SQN out of range; resynchronising with AUTS (TS 33.102 6.3.5)");
      response = client.request(ubRequest(authorization(bsf, usim.impi(), challenge, {}, cnonce, &aka.auts)));
      continue;
    }
    response = client.request(ubRequest(authorization(bsf, usim.impi(), challenge, aka.res.view(), cnonce, nullptr)));
    if (response.status != 200) throwBsfError(response, "the Digest AKA response");
    if (auto info = response.header("Authentication-Info")) {
      // RFC 2617 3.2.3: the BSF proves it knew RES too.
      auto digest = transport::DigestParameters::parse(*info);
      crypto::DigestInputs in{usim.impi(), bsf.fqdn, aka.res.view(), challenge.nonce, kNonceCount, cnonce,
                              "auth-int",  "GET",    kUri,           response.body};
      if (digest.get("rspauth").value_or("") != crypto::digestResponseAuth(in))
        throw Error(ErrorCode::Forbidden, "the BSF's rspauth does not verify (RFC 2617 3.2.3)");
    }
    BootstrappedKey key;
    key.btid = textBetween(response.body, "<btid>", "</btid>");
    auto lifetime = parseRfc3339(textBetween(response.body, "<lifetime>", "</lifetime>"));
    if (key.btid.empty() || !lifetime)
      throw Error(ErrorCode::Unavailable,
                  "the BSF's answer lacks <btid> or an RFC 3339 <lifetime> (TS 24.109 annex C)");
    if (key.btid != crypto::bootstrappingTransactionId(challenge.rand, bsf.fqdn))
      throw Error(ErrorCode::Unavailable, "the BSF's B-TID is not base64(RAND)@BSF-FQDN (TS 33.220 4.5.2)");
    key.impi = usim.impi();
    key.rand = challenge.rand;
    key.ks = crypto::bootstrappedKey(aka.ck, aka.ik);
    key.expiry = *lifetime;
    return key;
  }
}

void BootstrappedKeyFile::save(const BootstrappedKey& key) const {
  auto sealingKey = credentialKey(sealedWith, true);
  nlohmann::json j{{"format", kFormat},
                   {"btid", key.btid},
                   {"impi", key.impi},
                   {"rand", crypto::toHex(key.rand)},
                   {"expiry", toRfc3339(key.expiry)},
                   {"ks", crypto::toBase64(crypto::aeadSeal(sealingKey, key.ks.view(), "gba/ks/" + key.btid))}};
  replacePrivateFile(path, j.dump(2) + "\n");
}

std::optional<BootstrappedKey> BootstrappedKeyFile::load() const {
  if (!std::filesystem::exists(path)) return std::nullopt;
  requirePrivateFile(path, "GBA bootstrapping file");
  auto j = parseStrictJsonOrDiscarded(readFile(path));
  if (!j.is_object() || j.value("format", "") != kFormat)
    throw Error(ErrorCode::Config, path.string() + " is not a " + kFormat + " file");
  BootstrappedKey key;
  key.btid = j.value("btid", "");
  key.impi = j.value("impi", "");
  auto rand = crypto::fromHex(j.value("rand", ""));
  auto expiry = parseRfc3339(j.value("expiry", ""));
  auto sealed = crypto::fromBase64(j.value("ks", ""));
  if (!rand || !expiry || !sealed) throw Error(ErrorCode::Config, path.string() + " is corrupt");
  auto ks = crypto::aeadOpen(credentialKey(sealedWith, false), *sealed, "gba/ks/" + key.btid);
  if (!ks) throw Error(ErrorCode::Config, path.string() + " cannot be opened with this credential key");
  key.rand = *rand;
  key.expiry = *expiry;
  key.ks = std::move(*ks);
  return key;
}

BootstrappedKey bootstrappedKey(const BsfEndpoint& bsf, SimulatedUsim& usim, const BootstrappedKeyFile& file,
                                bool& reused, std::chrono::seconds margin) {
  if (auto kept = file.load(); kept && kept->impi == usim.impi() && kept->expiry > now() + margin) {
    reused = true;
    return std::move(*kept);
  }
  reused = false;
  auto key = runBootstrapping(bsf, usim);
  file.save(key);
  return key;
}

}  // namespace rspf::enrolee
