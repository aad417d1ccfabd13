// The Admin REST API's resources over the binding-neutral router, against a real SQLite store; and
// the OpenAPI document naming every route the router serves.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "admin/administration.hpp"
#include "admin_api/admin_router.hpp"
#include "common/error.hpp"
#include "crypto/primitives.hpp"
#include "procedures/certificate_enrolment.hpp"
#include "store/open/open_store.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"
#include "transport/https/https_server.hpp"

namespace rspf::admin_api {
namespace {

using nlohmann::json;

class AdminRouterTest : public ::testing::Test {
 protected:
  AdminRouterTest()
      : kek(crypto::randomSecret(32)),
        store(store::openSqliteStore(dir / "mef.db", kek)),
        router(*store, kek, AdminContext{"mef.test.example", "https://mef.test.example:8443", std::nullopt}) {}

  // What the HTTPS binding would answer (it maps a thrown rspf::Error to its status).
  transport::HttpResponse call(const std::string& method, const std::string& target, const std::string& body = "",
                               const std::string& contentType = "application/json") {
    transport::HttpRequest request{method, target, {{"Content-Type", contentType}}, body};
    try {
      return router.handle(request);
    } catch (const Error& e) {
      return transport::errorResponse(httpStatusOf(e.code()), e.what());
    }
  }
  json callJson(const std::string& method, const std::string& target, const json& body, int expectedStatus = 200) {
    auto r = call(method, target, body.is_null() ? "" : body.dump());
    EXPECT_EQ(r.status, expectedStatus) << method << " " << target << ": " << r.body;
    return json::parse(r.body);
  }

  rspf::testing::TempDir dir;
  store::KeyEncryptionKey kek;
  std::unique_ptr<store::Store> store;
  AdminRouter router;
};

TEST_F(AdminRouterTest, EnroleeLifecycle) {
  auto added = callJson("POST", "/admin/v1/enrolees",
                        {{"enroleeId", "ae1.test.example"},
                         {"kpmId", "ae1-kpm"},
                         {"gbaImpi", "impi-1@ims.test.example"},
                         {"directKeys", {"cse1.test.example:SAEF"}},
                         {"expiry", "12h"}},
                        201);
  EXPECT_EQ(added["kpm"].get<std::string>().size(), 64u);
  EXPECT_EQ(added["bootstrapIdentities"][0]["kind"], "gba");

  auto list = callJson("GET", "/admin/v1/enrolees", nullptr);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_FALSE(list[0].contains("kpm"));
  EXPECT_EQ(list.dump().find(added["kpm"].get<std::string>()), std::string::npos);
  EXPECT_EQ(callJson("GET", "/admin/v1/enrolees/ae1.test.example", nullptr)["policy"]["enrolmentExpiry"], "12h");

  auto policy = callJson("PUT", "/admin/v1/enrolees/ae1.test.example/policy",
                         {{"directKeys", {{{"targetId", "cse2.test.example"}, {"usage", "ESData"}}}},
                          {"token", "required"},
                          {"certificate", {{"subjectType", "ae"}, {"usages", {"SAEF"}}, {"requireApproval", true}}}});
  EXPECT_EQ(policy["directKeys"].size(), 1u);
  EXPECT_EQ(policy["token"], "required");
  EXPECT_EQ(policy["enrolmentExpiry"], "30d");  // PUT replaces: unnamed fields take their defaults
  // A policy read back can be written back unchanged.
  EXPECT_EQ(callJson("PUT", "/admin/v1/enrolees/ae1.test.example/policy", policy), policy);

  callJson("POST", "/admin/v1/enrolees/ae1.test.example/disable", nullptr);
  EXPECT_EQ(callJson("GET", "/admin/v1/enrolees/ae1.test.example", nullptr)["enabled"], false);
  callJson("POST", "/admin/v1/enrolees/ae1.test.example/enable", nullptr);
  EXPECT_EQ(callJson("GET", "/admin/v1/enrolees/ae1.test.example", nullptr)["enabled"], true);
  callJson("DELETE", "/admin/v1/enrolees/ae1.test.example", nullptr);
  EXPECT_EQ(call("GET", "/admin/v1/enrolees/ae1.test.example").status, 404);
  EXPECT_FALSE(store->findBootstrapIdentity("gba", "impi-1@ims.test.example"));

  // Every change (not the reads) is in the audit log, without the generated Kpm.
  store->flushAudit();
  auto audit = store->tailAudit(100);
  ASSERT_EQ(audit.size(), 6u);  // add, policy twice, disable, enable, remove (the GETs are reads)
  EXPECT_EQ(audit.front().action, "admin.api POST /admin/v1/enrolees");
  EXPECT_EQ(audit.back().action, "admin.api DELETE /admin/v1/enrolees/{enroleeId}");
  EXPECT_EQ(audit.back().subject, "ae1.test.example");
  for (const auto& e : audit) EXPECT_EQ(e.detail.find(added["kpm"].get<std::string>()), std::string::npos);
  EXPECT_TRUE(store->verifyAudit().intact);
}

TEST_F(AdminRouterTest, RefusalsCarryTheErrorStatusAndChangeNothing) {
  auto malformed = call("POST", "/admin/v1/enrolees", "{\"enroleeId\": ");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(json::parse(malformed.body)["Status"], false);
  EXPECT_EQ(call("POST", "/admin/v1/enrolees", R"({"enroleeId": "x.test.example"})").status, 400);  // no credential
  EXPECT_EQ(call("PUT", "/admin/v1/enrolees/nobody.test.example/policy", "{}").status, 404);
  EXPECT_EQ(call("GET", "/admin/v1/nothing").status, 404);
  auto wrongMethod = call("PATCH", "/admin/v1/enrolees");
  EXPECT_EQ(wrongMethod.status, 405);
  EXPECT_EQ(wrongMethod.header("Allow"), "GET, POST");
  callJson("POST", "/admin/v1/enrolees", {{"enroleeId", "ae1.test.example"}, {"kpmId", "ae1-kpm"}}, 201);
  EXPECT_EQ(call("POST", "/admin/v1/enrolees", R"({"enroleeId": "ae1.test.example", "kpmId": "x"})").status, 409);
  EXPECT_EQ(call("PUT", "/admin/v1/enrolees/ae1.test.example/policy", R"({"directKeys": ["c:MAF"]})").status, 400);
  EXPECT_EQ(store->findEnrolee("ae1.test.example")->policy, store::EnrolmentPolicy{});
}

TEST_F(AdminRouterTest, BulkImportAnswersPerRow) {
  auto r = call("POST", "/admin/v1/enrolees:import",
                "enroleeId,kpmId,directKeys\nae1.test.example,ae1-kpm,\nae1.test.example,ae1b-kpm,\n"
                "ae3.test.example,ae3-kpm,c:UNKNOWN\n",
                "text/csv; charset=utf-8");
  ASSERT_EQ(r.status, 200) << r.body;
  auto report = json::parse(r.body);
  EXPECT_EQ(report["imported"], 1);
  EXPECT_EQ(report["rejected"], 2);
  EXPECT_EQ(report["rows"][1]["row"], 2);
  EXPECT_NE(report["rows"][1]["reason"].get<std::string>().find("already exists"), std::string::npos);
  EXPECT_EQ(store->listEnrolees().size(), 1u);
  EXPECT_EQ(call("POST", "/admin/v1/enrolees:import", "x", "text/plain").status, 400);
  auto json = call("POST", "/admin/v1/enrolees:import", R"([{"enroleeId": "ae4.test.example", "kpmId": "ae4-kpm"}])");
  EXPECT_EQ(json.status, 200);
  EXPECT_TRUE(store->findEnrolee("ae4.test.example"));
}

TEST_F(AdminRouterTest, TargetsAndTokens) {
  callJson("POST", "/admin/v1/targets", {{"targetId", "cse1.test.example"}}, 201);
  EXPECT_EQ(callJson("GET", "/admin/v1/targets", nullptr)[0]["type"], "CSE");
  callJson("DELETE", "/admin/v1/targets/cse1.test.example", nullptr);
  EXPECT_EQ(call("DELETE", "/admin/v1/targets/cse1.test.example").status, 404);

  EXPECT_EQ(call("POST", "/admin/v1/tokens", R"({"enroleeId": "nobody.test.example"})").status, 404);
  auto token = callJson("POST", "/admin/v1/tokens", {{"auxInfo", "site 7"}, {"expires", "1d"}}, 201);
  ASSERT_TRUE(token.contains("token"));
  auto tokens = callJson("GET", "/admin/v1/tokens", nullptr);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_FALSE(tokens[0].contains("token"));
  EXPECT_EQ(tokens[0]["state"], "unused");
  callJson("POST", "/admin/v1/tokens/" + token["tokenId"].get<std::string>() + "/revoke", nullptr);
  EXPECT_EQ(callJson("GET", "/admin/v1/tokens", nullptr)[0]["state"], "revoked");
}

TEST_F(AdminRouterTest, CertificateAuthorityPendingApproveRevokeCrl) {
  auto created = callJson("POST", "/admin/v1/ca", {{"permittedDns", {"test.example"}}, {"validity", "30d"}}, 201);
  EXPECT_NE(created["certificate"].get<std::string>().find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_EQ(callJson("GET", "/admin/v1/ca/certificate", nullptr)["certificate"], created["certificate"]);
  EXPECT_EQ(call("GET", "/admin/v1/ca/certificate?label=other").status, 404);

  admin::addEnrolee(*store, {"ae1.test.example", "ae1-kpm", std::nullopt, {}});
  store->holdCertificateRequest({"ae1.test.example", "", std::string(64, 'a'), {}, now(), false});
  auto pending = callJson("GET", "/admin/v1/ca/pending", nullptr);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]["approved"], false);
  callJson("POST", "/admin/v1/ca/pending/ae1.test.example/approve", nullptr);
  EXPECT_EQ(callJson("GET", "/admin/v1/ca/pending", nullptr)[0]["approved"], true);
  EXPECT_EQ(call("POST", "/admin/v1/ca/pending/nobody.test.example/approve").status, 404);

  auto authority = procedures::loadCertificateAuthority(*store, kek, "");
  ASSERT_TRUE(authority);
  store->recordIssuedCertificate(
      {"0a1b", "", "ae1.test.example", "CN=ae1", now(), now() + std::chrono::hours(1), now(), {}, std::nullopt, ""});
  auto revoked = callJson("POST", "/admin/v1/ca/certificates/0a1b/revoke", {{"reason", "keyCompromise"}});
  EXPECT_EQ(revoked["revocationReason"], "keyCompromise");
  EXPECT_EQ(call("POST", "/admin/v1/ca/certificates/0a1b/revoke", "{}").status, 409);
  EXPECT_EQ(callJson("GET", "/admin/v1/enrolees/ae1.test.example/certificates", nullptr).size(), 1u);
  auto crl = call("GET", "/admin/v1/ca/crl?nextUpdate=1d");
  EXPECT_EQ(crl.status, 200);
  EXPECT_NE(crl.body.find("BEGIN X509 CRL"), std::string::npos);
  EXPECT_EQ(call("GET", "/admin/v1/configuration-key").status, 404);
}

// Every route the router serves is in the OpenAPI document, and every documented operation is served.
TEST(AdminApiDocument, NamesEveryRouteTheRouterServes) {
  std::ifstream in(std::string(RSPF_DOCS_DIR) + "/admin-api.openapi.yaml");
  ASSERT_TRUE(in) << "docs/admin-api.openapi.yaml is missing";
  std::set<std::string> documented;
  std::string line, path;
  bool inPaths = false;
  const std::regex pathLine(R"(^  (/\S+):\s*$)"), methodLine(R"(^    (get|put|post|delete|patch):\s*$)");
  while (std::getline(in, line)) {
    if (line == "paths:")
      inPaths = true;
    else if (!line.empty() && line[0] != ' ' && line[0] != '#')
      inPaths = false;
    if (!inPaths) continue;
    std::smatch m;
    if (std::regex_match(line, m, pathLine)) {
      path = m[1];
    } else if (std::regex_match(line, m, methodLine) && !path.empty()) {
      std::string method = m[1];
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(method + " " + path);
    }
  }
  std::set<std::string> served;
  for (const auto& route : AdminRouter::routes())
    served.insert(std::string(route.method) + " " + std::string(route.path));
  for (const auto& r : served) EXPECT_TRUE(documented.count(r)) << r << " is served but not documented";
  for (const auto& r : documented) EXPECT_TRUE(served.count(r)) << r << " is documented but not served";
  EXPECT_GE(served.size(), 20u);
}

}  // namespace
}  // namespace rspf::admin_api
