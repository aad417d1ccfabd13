// The Admin REST API of a running `rspf mef`, driven by curl (an independent client): on its own
// listener, refused without credentials (401), a client certificate that does not verify refused in
// the handshake, bulk import with bad rows leaving no trace.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <thread>

#include "admin/administration.hpp"
#include "ca/pem.hpp"
#include "support/loopback_deployment.hpp"

namespace rspf::testing {
namespace {

using nlohmann::json;

constexpr const char* kToken = "0123456789abcdef0123456789abcdef-admin";

struct CurlResult {
  int exitCode = -1;
  int status = 0;
  std::string body;
  std::string err;
};

class AdminApi : public ::testing::Test {
 protected:
  void SetUp() override {
    d.createCertificateAuthority({"test.example"});
    std::ofstream(path("mef-ca.pem")) << ca::certificatePem(d.certificateAuthority().certificate());
    writePrivate("admin.token", std::string(kToken) + "\n");
  }

  std::string path(const std::string& name) const { return (d.dir() / name).string(); }
  void writePrivate(const std::string& name, const std::string& content) {
    std::ofstream(path(name)) << content;
    std::filesystem::permissions(path(name), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  void openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    auto r = runProcess(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
  }
  // An admin CA, an operator certificate it issued, and a self-signed certificate nobody trusts.
  void makeClientCertificates() {
    auto key = [](const std::string& out) {
      return std::vector<std::string>{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", out};
    };
    auto args = [&](std::vector<std::string> head, std::vector<std::string> tail) {
      head.insert(head.end(), tail.begin(), tail.end());
      return head;
    };
    openssl(args(args({"req", "-x509"}, key(path("admin-ca.key"))),
                 {"-out", path("admin-ca.pem"), "-subj", "/CN=rspf admin CA", "-days", "2", "-addext",
                  "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"}));
    openssl(args(args({"req"}, key(path("operator.key"))), {"-out", path("operator.csr"), "-subj", "/CN=operator"}));
    openssl({"x509", "-req", "-in", path("operator.csr"), "-CA", path("admin-ca.pem"), "-CAkey", path("admin-ca.key"),
             "-CAcreateserial", "-out", path("operator.pem"), "-days", "1"});
    openssl(args(args({"req", "-x509"}, key(path("rogue.key"))),
                 {"-out", path("rogue.pem"), "-subj", "/CN=operator", "-days", "1"}));
  }

  void startMef(const std::string& adminApiToml) {
    d.startMef("\n[admin_api]\nlisten = \"127.0.0.1:0\"\nready_file = \"admin.ready\"\n" + adminApiToml);
    address = d.waitForMefReadyFile("admin.ready");
    port = address.substr(address.rfind(':') + 1);
  }

  CurlResult curl(const std::string& method, const std::string& resource, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"curl",       "-sS",
                                     "--max-time", "20",
                                     "--cacert",   path("mef-ca.pem"),
                                     "--resolve",  "mef.test.example:" + port + ":127.0.0.1",
                                     "-X",         method,
                                     "-w",         "\n%{http_code}"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("https://mef.test.example:" + port + "/admin/v1" + resource);
    auto r = runProcess(args);
    CurlResult c{r.exitCode, 0, r.out, r.err};
    auto newline = r.out.rfind('\n');
    if (newline != std::string::npos) {
      c.status = std::atoi(r.out.c_str() + newline + 1);
      c.body = r.out.substr(0, newline);
    }
    return c;
  }
  std::vector<std::string> bearer(const std::string& token = kToken) {
    return {"-H", "Authorization: Bearer " + token};
  }
  std::vector<std::string> withJson(std::vector<std::string> args, const std::string& body) {
    args.insert(args.end(), {"-H", "Content-Type: application/json", "--data-binary", body});
    return args;
  }

  LoopbackDeployment d;
  std::string address, port;
};

TEST_F(AdminApi, BearerTokenGuardsEveryRequest) {
  startMef("token_file = \"admin.token\"\nmax_body_bytes = 2048\n");
  auto anonymous = curl("GET", "/enrolees");
  EXPECT_EQ(anonymous.status, 401) << anonymous.err << d.mefLog();
  EXPECT_EQ(json::parse(anonymous.body)["Status"], false);
  EXPECT_EQ(curl("GET", "/enrolees", bearer("not-the-token")).status, 401);
  EXPECT_EQ(curl("GET", "/enrolees", {"-H", "Authorization: Basic " + std::string(kToken)}).status, 401);
  EXPECT_EQ(curl("POST", "/enrolees", withJson({}, R"({"enroleeId": "ae1.test.example", "kpmId": "k"})")).status, 401);
  EXPECT_FALSE(d.store().findEnrolee("ae1.test.example"));

  auto list = curl("GET", "/enrolees", bearer());
  ASSERT_EQ(list.status, 200) << list.body << list.err;
  EXPECT_EQ(json::parse(list.body), json::array());

  auto added = curl("POST", "/enrolees",
                    withJson(bearer(), R"({"enroleeId": "ae1.test.example", "kpmId": "ae1-kpm", "expiry": "1d"})"));
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(json::parse(added.body)["kpm"].get<std::string>().size(), 64u);
  auto policy = curl("PUT", "/enrolees/ae1.test.example/policy", withJson(bearer(), R"({"token": "required"})"));
  EXPECT_EQ(policy.status, 200) << policy.body;
  EXPECT_EQ(d.store().findEnrolee("ae1.test.example")->policy.token, store::TokenRequirement::Required);
  EXPECT_EQ(curl("POST", "/enrolees/ae1.test.example/disable", bearer()).status, 200);
  EXPECT_FALSE(d.store().findEnrolee("ae1.test.example")->enabled);
  auto token = curl("POST", "/tokens", withJson(bearer(), R"({"enroleeId": "ae1.test.example"})"));
  EXPECT_EQ(token.status, 201) << token.body;

  EXPECT_EQ(curl("POST", "/enrolees", withJson(bearer(), "{\"enroleeId\":")).status, 400);
  auto oversized = curl("POST", "/enrolees", withJson(bearer(), std::string(4096, ' ')));
  EXPECT_EQ(oversized.status, 413) << oversized.body << oversized.err;
  EXPECT_EQ(curl("DELETE", "/enrolees/ae1.test.example", bearer()).status, 200);
  EXPECT_FALSE(d.store().findEnrolee("ae1.test.example"));

  EXPECT_EQ(d.mefLog().find(kToken), std::string::npos) << "the token reached the log";
}

TEST_F(AdminApi, MutualTlsWithAClientCertificate) {
  makeClientCertificates();
  startMef("client_trust_anchors = \"admin-ca.pem\"\n");
  std::vector<std::string> operatorCert = {"--cert", path("operator.pem"), "--key", path("operator.key")};

  EXPECT_EQ(curl("GET", "/enrolees").status, 401);  // no certificate, no access
  auto rogue = curl("GET", "/enrolees", {"--cert", path("rogue.pem"), "--key", path("rogue.key")});
  EXPECT_NE(rogue.exitCode, 0) << "an untrusted certificate must fail the handshake";
  EXPECT_EQ(rogue.status, 0) << rogue.body;

  auto list = curl("GET", "/enrolees", operatorCert);
  ASSERT_EQ(list.status, 200) << list.body << list.err;
  d.addEnrolee("ae1.test.example");
  store::PendingCertificateRequest held{"ae1.test.example", "", std::string(64, 'b'), {}, now(), false};
  d.store().holdCertificateRequest(held);
  auto pending = curl("GET", "/ca/pending", operatorCert);
  ASSERT_EQ(pending.status, 200);
  EXPECT_EQ(json::parse(pending.body).size(), 1u);
  EXPECT_EQ(curl("POST", "/ca/pending/ae1.test.example/approve", operatorCert).status, 200);
  EXPECT_TRUE(d.store().findPendingCertificateRequest("ae1.test.example")->approved);
  EXPECT_EQ(curl("POST", "/ca/certificates/00ff/revoke", operatorCert).status, 404);
  EXPECT_NE(d.mefLog().find("admin-certificate"), std::string::npos);
}

TEST_F(AdminApi, CertificateAndTokenBothRequiredWhenBothConfigured) {
  makeClientCertificates();
  startMef("client_trust_anchors = \"admin-ca.pem\"\ntoken_file = \"admin.token\"\n");
  std::vector<std::string> operatorCert = {"--cert", path("operator.pem"), "--key", path("operator.key")};
  EXPECT_EQ(curl("GET", "/targets", bearer()).status, 401);
  EXPECT_EQ(curl("GET", "/targets", operatorCert).status, 401);
  operatorCert.insert(operatorCert.end(), {"-H", "Authorization: Bearer " + std::string(kToken)});
  EXPECT_EQ(curl("GET", "/targets", operatorCert).status, 200);
}

TEST_F(AdminApi, BulkImportWithBadRowsImportsNothingHalf) {
  startMef("token_file = \"admin.token\"\n");
  d.addEnrolee("existing.test.example");
  admin::addTarget(d.store(), "cse1.test.example", "CSE");
  std::ofstream(path("enrolees.csv")) << "enroleeId,kpmId,rawPublicKey,gbaImpi,directKeys\n"
                                         "ae1.test.example,ae1-kpm,,,cse1.test.example:SAEF\n"
                                         "existing.test.example,x-kpm,,,\n"
                                         "ae3.test.example,ae3 kpm,,,\n"
                                         "ae4.test.example,,ni:///sha-256;bad,,\n"
                                         "ae5.test.example,ae5-kpm,,,cse1.test.example:ESWhat\n"
                                         "ae6.test.example,,,impi-6@ims.test.example,\n";
  auto r = curl("POST", "/enrolees:import",
                {"-H", "Authorization: Bearer " + std::string(kToken), "-H", "Content-Type: text/csv", "--data-binary",
                 "@" + path("enrolees.csv")});
  ASSERT_EQ(r.status, 200) << r.body;
  auto report = json::parse(r.body);
  EXPECT_EQ(report["imported"], 2);
  EXPECT_EQ(report["rejected"], 4);
  for (int i : {1, 2, 3, 4}) EXPECT_FALSE(report["rows"][i]["reason"].get<std::string>().empty());
  EXPECT_TRUE(d.store().findEnrolee("ae1.test.example"));
  EXPECT_TRUE(d.store().findBootstrapIdentity("gba", "impi-6@ims.test.example"));
  for (auto id : {"ae3.test.example", "ae4.test.example", "ae5.test.example"})
    EXPECT_FALSE(d.store().findEnrolee(id)) << id;
  EXPECT_FALSE(d.store().findEnroleeByKpmId("x-kpm"));
  EXPECT_EQ(d.store().listEnrolees().size(), 3u);
  // A generated Kpm is in the answer, never in the log.
  EXPECT_EQ(d.mefLog().find(report["rows"][0]["kpm"].get<std::string>()), std::string::npos);
}

TEST_F(AdminApi, NeverOpenWithoutACredential) {
  // `rspf mef` with these [admin_api] lines: it must refuse to start.
  auto refusal = [this](const std::string& adminApiToml) {
    std::ofstream(path("refused.toml")) << "[mef]\nfqdn = \"mef.test.example\"\nlisten = \"127.0.0.1:0\"\n\n"
                                           "[admin_api]\nlisten = \"127.0.0.1:0\"\n"
                                        << adminApiToml << "\n[store]\nsqlite = \"mef.db\"\nkek_file = \"kek\"\n";
    auto r = d.rspf({"mef", "--config", path("refused.toml")});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_EQ(r.err.find(kToken), std::string::npos);
    return r.err;
  };
  auto open = refusal("");
  EXPECT_NE(open.find("needs a credential"), std::string::npos) << open;
  // A token file others may read is refused too.
  std::filesystem::permissions(path("admin.token"), std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  auto readable = refusal("token_file = \"admin.token\"\n");
  EXPECT_NE(readable.find("chmod 600"), std::string::npos) << readable;
}

// Issue 9 item 6: bounds and strict JSON on every body, each refused with 400 and no trace in the store.
TEST_F(AdminApi, OutOfBoundsValuesAndMalformedJsonAreRefusedAndChangeNothing) {
  startMef("token_file = \"admin.token\"\nmax_body_bytes = 65536\n");
  const std::string id = "ae1.test.example";
  ASSERT_EQ(
      curl("POST", "/enrolees", withJson(bearer(), R"({"enroleeId": ")" + id + R"(", "kpmId": "ae1-kpm"})")).status,
      201);
  const auto before = d.store().findEnrolee(id)->policy;

  writePrivate("nul.json", std::string("{}\0garbage", 10));
  auto nul = curl("POST", "/enrolees", withJson(bearer(), "@" + path("nul.json")));
  EXPECT_EQ(nul.status, 400) << nul.body;
  EXPECT_NE(nul.body.find("not valid JSON"), std::string::npos) << nul.body;
  auto duplicate =
      curl("PUT", "/enrolees/" + id + "/policy", withJson(bearer(), R"({"token": "optional", "token": "required"})"));
  EXPECT_EQ(duplicate.status, 400) << duplicate.body;
  EXPECT_NE(duplicate.body.find("duplicate member name"), std::string::npos) << duplicate.body;
  auto trailing = curl("PATCH", "/enrolees/" + id + "/policy", withJson(bearer(), R"({"addDirectKeys": []} {})"));
  EXPECT_EQ(trailing.status, 400) << trailing.body;

  auto expiry = curl("PUT", "/enrolees/" + id + "/policy", withJson(bearer(), R"({"enrolmentExpiry": "12725829d"})"));
  EXPECT_EQ(expiry.status, 400) << expiry.body;
  EXPECT_NE(expiry.body.find("'enrolmentExpiry' must be at most 3650d"), std::string::npos) << expiry.body;
  EXPECT_EQ(d.store().findEnrolee(id)->policy, before);

  const std::string bigKpm(10000, 'a');  // 5,000 bytes
  auto kpm = curl(
      "POST", "/enrolees",
      withJson(bearer(), R"({"enroleeId": "ae2.test.example", "kpmId": "ae2-kpm", "kpmHex": ")" + bigKpm + R"("})"));
  EXPECT_EQ(kpm.status, 400) << kpm.body;
  EXPECT_NE(kpm.body.find("at most 64 bytes (the TLS-PSK limit), got 5000"), std::string::npos) << kpm.body;
  EXPECT_FALSE(d.store().findEnrolee("ae2.test.example"));
  auto token = curl("POST", "/tokens", withJson(bearer(), R"({"expires": "99999d"})"));
  EXPECT_EQ(token.status, 400) << token.body;
  EXPECT_TRUE(d.store().listTokens().empty());
  auto import = curl("POST", "/enrolees:import",
                     withJson(bearer(), R"([{"enroleeId": "ae3.test.example", "kpmId": "ae3-kpm", "policy": )"
                                        R"({"enrolmentExpiry": "4000d"}}])"));
  EXPECT_NE(import.body.find("must be at most"), std::string::npos) << import.body;
  EXPECT_FALSE(d.store().findEnrolee("ae3.test.example"));
  EXPECT_EQ(curl("GET", "/enrolees", bearer()).status, 200);  // still serving
}

// Issue 9 item 5: policy changes from two `rspf admin` loops and the API at once all arrive.
TEST_F(AdminApi, ConcurrentPolicyChangesFromTheCliAndTheApiAreNeverLost) {
  startMef("token_file = \"admin.token\"\n");
  const std::string id = "ae1.test.example";
  d.addEnrolee(id);
  constexpr int kChanges = 15;
  auto cliLoop = [&](const std::string& prefix) {
    for (int i = 0; i < kChanges; ++i) {
      auto r = d.rspf({"admin", "--config", path("mef.toml"), "enrolee", "policy", id, "--direct-key",
                       prefix + std::to_string(i) + ".test.example:SAEF"});
      EXPECT_EQ(r.exitCode, 0) << r.err;
    }
  };
  std::thread a(cliLoop, "cli-a"), b(cliLoop, "cli-b");
  for (int i = 0; i < kChanges; ++i) {
    auto r = curl("PATCH", "/enrolees/" + id + "/policy",
                  withJson(bearer(), R"({"addDirectKeys": ["api)" + std::to_string(i) + R"(.test.example:ESData"]})"));
    EXPECT_EQ(r.status, 200) << r.body;
  }
  a.join();
  b.join();
  const auto keys = d.store().findEnrolee(id)->policy.directKeys;
  EXPECT_EQ(keys.size(), 3u * kChanges);
  for (int i = 0; i < kChanges; ++i)
    for (const auto& [prefix, usage] :
         {std::pair{"cli-a", "SAEF"}, std::pair{"cli-b", "SAEF"}, std::pair{"api", "ESData"}}) {
      store::DirectKeyPair pair{prefix + std::to_string(i) + ".test.example", usage};
      EXPECT_NE(std::find(keys.begin(), keys.end(), pair), keys.end()) << pair.targetId << " was lost";
    }
}

}  // namespace
}  // namespace rspf::testing

namespace rspf::testing {
namespace {

// Issue 13 item 5: the audit log names who authenticated; GET /admin/v1/audit and the list
// endpoints page with a limit and a cursor.
TEST_F(AdminApi, TheAuditLogNamesThePrincipalAndPages) {
  makeClientCertificates();
  startMef("client_trust_anchors = \"admin-ca.pem\"\ntoken_file = \"admin.token\"\n");
  std::vector<std::string> both = {"--cert", path("operator.pem"),
                                   "--key",  path("operator.key"),
                                   "-H",     "Authorization: Bearer " + std::string(kToken)};
  auto add = [&](const std::string& id) {
    auto args = both;
    args.insert(args.end(),
                {"-H", "Content-Type: application/json", "--data", R"({"targetId": ")" + id + R"(", "type": "CSE"})"});
    return curl("POST", "/targets", args);
  };
  for (auto id : {"cse1.test.example", "cse2.test.example", "cse3.test.example"}) ASSERT_EQ(add(id).status, 201);

  auto tail = d.rspf({"admin", "--config", (d.dir() / "mef.toml").string(), "audit", "tail", "--subject",
                      "cse2.test.example", "--json"});
  ASSERT_EQ(tail.exitCode, 0) << tail.err;
  auto entries = json::parse(tail.out);
  ASSERT_EQ(entries.size(), 1u) << tail.out;
  EXPECT_EQ(entries[0]["actor"], "admin-api:cert:/CN=operator");

  auto page = curl("GET", "/targets?limit=2", both);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(json::parse(page.body).size(), 2u);
  auto withHeaders = both;
  withHeaders.push_back("-i");
  auto headed = curl("GET", "/targets?limit=2", withHeaders);
  EXPECT_NE(headed.body.find("rel=\"next\""), std::string::npos) << headed.body;
  EXPECT_NE(headed.body.find("after=cse2.test.example"), std::string::npos) << headed.body;
  auto rest = curl("GET", "/targets?limit=2&after=cse2.test.example", both);
  ASSERT_EQ(rest.status, 200);
  auto last = json::parse(rest.body);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0]["targetId"], "cse3.test.example");
  EXPECT_EQ(curl("GET", "/targets?limit=0", both).status, 400);
  EXPECT_EQ(curl("GET", "/enrolees?limit=99999", both).status, 400);

  auto first = curl("GET", "/audit?limit=2", both);
  ASSERT_EQ(first.status, 200) << first.body;
  auto one = json::parse(first.body);
  ASSERT_EQ(one["entries"].size(), 2u);
  ASSERT_FALSE(one["next"].is_null());
  auto second = curl("GET", "/audit?limit=100&after=" + std::to_string(one["next"].get<std::uint64_t>()), both);
  auto two = json::parse(second.body);
  EXPECT_TRUE(two["next"].is_null());
  EXPECT_GE(two["entries"].size(), 1u);
  EXPECT_GT(two["entries"][0]["seq"].get<std::uint64_t>(), one["next"].get<std::uint64_t>());
  auto bySubject = json::parse(curl("GET", "/audit?subject=cse3.test.example", both).body);
  ASSERT_EQ(bySubject["entries"].size(), 1u);
  EXPECT_EQ(bySubject["entries"][0]["outcome"], "success");
  EXPECT_EQ(curl("GET", "/audit?after=x", both).status, 400);
}

}  // namespace
}  // namespace rspf::testing
