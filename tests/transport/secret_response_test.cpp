// A secret answer's body: byte for byte what the tree's dump gives, marked secret, the tree and the
// refusals left without the secret.
#include "transport/secret_response.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/safe_text.hpp"

namespace rspf::transport {
namespace {

nlohmann::json sampleAnswer() {
  return {{"Status", true},
          {"CredentialId", "22-0123456789abcdef0123456789abcdef@mef.example.com"},
          {"EnroleeID", "cse-a.example.com"},
          {"Lifetime", "2027-01-01T00:00:00Z"},
          {"Credential", "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="}};
}

TEST(SecretJsonResponse, TheBodyIsTheDumpOfTheWholeAnswerAndIsMarkedSecret) {
  const auto answer = sampleAnswer();
  auto r = secretJsonResponse(answer, "Credential");
  EXPECT_TRUE(r.secret);
  EXPECT_EQ(r.body, safeJsonDump(answer));
  EXPECT_EQ(nlohmann::json::parse(r.body), answer);
}

TEST(SecretJsonResponse, AnAnswerOfTheSecretAloneIsOneMember) {
  auto r = secretJsonResponse({{"Credential", "AAEC"}}, "Credential");
  EXPECT_EQ(r.body, R"({"Credential":"AAEC"})");
}

TEST(SecretJsonResponse, AMissingOrMalformedSecretIsRefusedWithoutEchoingIt) {
  for (const nlohmann::json& answer :
       {nlohmann::json{{"Status", true}}, nlohmann::json{{"Credential", 42}},
        nlohmann::json{{"Credential", "not\"base64"}}, nlohmann::json{{"Credential", "AA\xff\xfe"}}}) {
    try {
      secretJsonResponse(answer, "Credential");
      ADD_FAILURE() << answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Internal);
      EXPECT_EQ(std::string(e.what()).find("base64\""), std::string::npos);
      EXPECT_EQ(std::string(e.what()).find("not\""), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace rspf::transport
