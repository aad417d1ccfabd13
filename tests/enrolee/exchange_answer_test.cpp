// The Enrolee reads the MEF's exchange answer as untrusted bytes: every malformed shape is refused
// with Error(Internal) naming what is wrong, never an exception of the JSON library.
#include "enrolee/exchange_answer.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace rspf::enrolee {
namespace {

const std::string kHead = R"({"keId":"a@mef.example.com","kreId":"b@mef.example.com","expiry":"2027-01-01T00:00:00Z")";

std::string refusalOf(const std::string& body) {
  try {
    parseExchangeAnswer(body);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Internal) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << body;
  return "";
}

TEST(ExchangeAnswer, AWellFormedAnswerIsRead) {
  auto answer = parseExchangeAnswer(
      kHead + R"(,"keyProfile":"current","instructions":[{"type":"directKeys","pairs":[{"targetId":"cse1.example.com",)"
              R"("usage":"SAEF"}]},{"type":"certificateEnrolment","uri":"coaps://mef.example.com/.well-known/est"},)"
              R"({"type":"somethingNew","x":1}]})");
  EXPECT_EQ(answer.keId, "a@mef.example.com");
  EXPECT_EQ(answer.kreId, "b@mef.example.com");
  EXPECT_EQ(toRfc3339(answer.expiry), "2027-01-01T00:00:00Z");
  ASSERT_EQ(answer.instructions.size(), 3u);  // an unknown instruction is kept, not acted on
  EXPECT_EQ(answer.instructions[0]["pairs"][0]["targetId"], "cse1.example.com");
  EXPECT_TRUE(parseExchangeAnswer(kHead + "}").instructions.empty());
}

TEST(ExchangeAnswer, EachMalformedShapeIsRefusedWithItsReason) {
  EXPECT_NE(refusalOf("not json").find("not a JSON object"), std::string::npos);
  EXPECT_NE(refusalOf("[1,2]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(refusalOf(R"({"keId":7,"kreId":"b","expiry":"2027-01-01T00:00:00Z"})").find("'keId'"), std::string::npos);
  EXPECT_NE(refusalOf(R"({"keId":"a","kreId":"b","expiry":"tomorrow"})").find("'expiry'"), std::string::npos);
  EXPECT_NE(refusalOf(kHead + R"(,"keyProfile":"future"})").find("keyProfile"), std::string::npos);
  EXPECT_NE(refusalOf(kHead + R"(,"instructions":{"type":"directKeys"}})").find("not an array"), std::string::npos);
  EXPECT_NE(refusalOf(kHead + R"(,"instructions":["directKeys"]})").find("not an object"), std::string::npos);
  EXPECT_NE(refusalOf(kHead + R"(,"instructions":[{"type":3}]})").find("'type'"), std::string::npos);
  EXPECT_NE(refusalOf(kHead + R"(,"instructions":[{"type":"directKeys","pairs":{}}]})").find("'pairs'"),
            std::string::npos);
  EXPECT_NE(refusalOf(kHead + R"(,"instructions":[{"type":"directKeys","pairs":[{"targetId":"t"}]}]})").find("'usage'"),
            std::string::npos);
  EXPECT_NE(refusalOf(kHead + R"(,"instructions":[{"type":"mafEnrolment","mafId":"m"}]})").find("credentialType"),
            std::string::npos);
  EXPECT_NE(refusalOf(kHead + R"(,"instructions":[{"type":"certificateEnrolment","uri":null}]})").find("'uri'"),
            std::string::npos);
  EXPECT_NE(refusalOf("{\"keId\":\"\xff\xfe\",\"kreId\":\"b\"}").find("not a JSON object"), std::string::npos);
}

}  // namespace
}  // namespace rspf::enrolee
