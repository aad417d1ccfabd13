// A target reads the MEF's Key Retrieval answer as untrusted bytes: every malformed shape is refused
// with Error(Internal) naming what is wrong, and no key is ever empty.
#include "target/key_retrieval_answer.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace rspf::target {
namespace {

const std::string kKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";  // bytes 0..31

std::string answer(const std::string& extra, const std::string& credential = kKey) {
  return R"({"Status":true,"Credential":")" + credential +
         R"(","EnroleeID":"ae1.example.com","CredentialId":"12-x-22@m","Lifetime":"2027-01-01T00:00:00Z")" + extra +
         "}";
}

std::string refusalOf(const std::string& body) {
  try {
    parseKeyRetrievalAnswer(body);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Internal) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << body;
  return "";
}

TEST(KeyRetrievalAnswer, AWellFormedAnswerIsRead) {
  auto key = parseKeyRetrievalAnswer(answer(R"(,"Usages":["SAEF","ESPrim"],"KcId":"k-21@m")"));
  ASSERT_EQ(key.key.size(), 32u);
  EXPECT_EQ(key.key.data()[31], 31);
  EXPECT_EQ(key.enroleeId, "ae1.example.com");
  EXPECT_EQ(key.credentialId, "12-x-22@m");
  EXPECT_EQ(toRfc3339(key.lifetime), "2027-01-01T00:00:00Z");
  EXPECT_EQ(key.usages, (std::vector<std::string>{"SAEF", "ESPrim"}));
  EXPECT_EQ(key.kcId, "k-21@m");
}

TEST(KeyRetrievalAnswer, EachMalformedShapeIsRefusedWithItsReason) {
  EXPECT_NE(refusalOf("[]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(refusalOf(R"({"Status":false,"ErrorString":"no"})").find("'Status'"), std::string::npos);
  EXPECT_NE(refusalOf(R"({"Status":"true"})").find("'Status'"), std::string::npos);
  EXPECT_NE(refusalOf(answer("", "")).find("'Credential'"), std::string::npos);
  EXPECT_NE(refusalOf(answer("", "not base64!")).find("'Credential'"), std::string::npos);
  EXPECT_NE(refusalOf(R"({"Status":true,"Credential":")" + kKey + R"(","CredentialId":"c","Lifetime":"x"})")
                .find("'EnroleeID'"),
            std::string::npos);
  EXPECT_NE(refusalOf(R"({"Status":true,"Credential":")" + kKey +
                      R"(","EnroleeID":"e","CredentialId":"c","Lifetime":"soon"})")
                .find("'Lifetime'"),
            std::string::npos);
  EXPECT_NE(refusalOf(answer(R"(,"Usages":"SAEF")")).find("'Usages'"), std::string::npos);
  EXPECT_NE(refusalOf(answer(R"(,"Usages":[1])")).find("'Usages'"), std::string::npos);
  EXPECT_NE(refusalOf(answer(R"(,"KcId":5)")).find("'KcId'"), std::string::npos);
  EXPECT_NE(refusalOf("{\"Status\":true,\"EnroleeID\":\"\xc3\x28\"}").find("not a JSON object"), std::string::npos);
}

}  // namespace
}  // namespace rspf::target
