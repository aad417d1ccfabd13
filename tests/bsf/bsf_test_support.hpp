#pragma once
// An in-process BSF (subscriber store, Ub, Zn) and a UE that answers its challenges, for the
// tests of tests/bsf. Set 1 of TS 35.207 is the subscriber's K and OPc.
#include <gtest/gtest.h>

#include "bsf/bootstrapping_function.hpp"
#include "bsf/zn_key_service.hpp"
#include "crypto/encoding.hpp"
#include "crypto/http_digest.hpp"
#include "crypto/primitives.hpp"
#include "support/expectations.hpp"
#include "support/temp_dir.hpp"
#include "transport/https/digest_header.hpp"

namespace rspf::bsf {

inline constexpr const char* kImpi = "001010123456789@ims.mnc001.mcc001.3gppnetwork.org";
inline constexpr const char* kBsfFqdn = "bsf.test.example";
inline constexpr const char* kNafFqdn = "mef.test.example";

inline crypto::SecretBytes set1K() {
  return crypto::SecretBytes(rspf::testing::unhex("465b5ce8b199b49faa5f0a2ee238a6bc"));
}
inline crypto::SecretBytes set1Opc() {
  return crypto::SecretBytes(rspf::testing::unhex("cd63cb71954a9f4e48a5994e37a02baf"));
}

inline transport::HttpRequest ubRequest(const std::string& authorization) {
  transport::HttpRequest r{"GET", "/", {}, ""};
  r.headers.emplace_back("Authorization", authorization);
  return r;
}

inline std::string initialAuthorization(const std::string& impi = kImpi) {
  return transport::formatDigestHeader(
      {{"username", impi}, {"realm", kBsfFqdn}, {"nonce", ""}, {"uri", "/"}, {"response", ""}});
}

struct UeChallenge {
  std::string nonce, opaque;
  crypto::Bytes rand, autn;
};

inline UeChallenge challengeOf(const transport::HttpResponse& r) {
  EXPECT_EQ(r.status, 401) << r.body;
  auto header = r.header("WWW-Authenticate");
  if (!header) throw std::runtime_error("no WWW-Authenticate");
  auto digest = transport::DigestParameters::parse(*header);
  UeChallenge c{digest.require("nonce"), digest.require("opaque"), {}, {}};
  EXPECT_EQ(digest.get("algorithm"), "AKAv1-MD5");
  EXPECT_EQ(digest.get("qop"), "auth-int");
  auto bytes = crypto::fromBase64(c.nonce);
  c.rand.assign(bytes->begin(), bytes->begin() + 16);
  c.autn.assign(bytes->begin() + 16, bytes->end());
  return c;
}

inline std::string answer(const UeChallenge& c, crypto::ByteView password, const crypto::Bytes* auts = nullptr,
                          const std::string& impi = kImpi) {
  crypto::DigestInputs in{impi, kBsfFqdn, password, c.nonce, "00000001", "abcdef", "auth-int", "GET", "/", ""};
  std::vector<transport::DigestField> fields{{"username", impi},         {"realm", kBsfFqdn},
                                             {"nonce", c.nonce},         {"uri", "/"},
                                             {"qop", "auth-int", false}, {"nc", "00000001", false},
                                             {"cnonce", "abcdef"},       {"response", crypto::digestResponse(in)},
                                             {"opaque", c.opaque},       {"algorithm", "AKAv1-MD5", false}};
  if (auts) fields.push_back({"auts", crypto::toBase64(*auts)});
  return transport::formatDigestHeader(fields);
}

class InProcessBsf : public ::testing::Test {
 protected:
  void SetUp() override {
    store.emplace(dir / "bsf.db", store::KeyEncryptionKey(crypto::randomSecret(32)));
    Subscriber s;
    s.impi = kImpi;
    s.k = set1K();
    s.opc = set1Opc();
    s.guss.nafFqdns = {kNafFqdn};
    store->addSubscriber(s);
    ub.emplace(*store, BootstrappingSettings{kBsfFqdn, std::chrono::seconds(3600), std::chrono::seconds(30)});
    zn.emplace(*store);
  }

  tls::AuthenticatedPeer naf(const std::string& names = kNafFqdn) {
    tls::AuthenticatedPeer p;
    p.framework = kNafFramework;
    p.principal = names;
    p.attributes[kNafDnsNamesAttribute] = names;
    return p;
  }

  rspf::testing::TempDir dir;
  std::optional<SubscriberStore> store;
  std::optional<BootstrappingFunction> ub;
  std::optional<ZnKeyService> zn;
};

}  // namespace rspf::bsf
