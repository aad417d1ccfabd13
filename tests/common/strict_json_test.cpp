// common/strict_json: one JSON value and nothing else (issue 9: "{}\0garbage" was accepted).
#include "common/strict_json.hpp"

#include <gtest/gtest.h>

#include "support/expectations.hpp"

namespace rspf {
namespace {

using rspf::testing::expectError;

TEST(StrictJson, AcceptsOneValue) {
  EXPECT_EQ(parseStrictJson(R"({"a": [1, 2, {"b": "\u00e9"}]})")["a"][2]["b"], "\u00e9");
  EXPECT_EQ(parseStrictJson(" {} \r\n"), nlohmann::json::object());
  EXPECT_EQ(parseStrictJson(R"({"a": {"x": 1}, "b": {"x": 2}})")["b"]["x"], 2);  // same name, other objects
}

TEST(StrictJson, RefusesANulByteAnywhere) {
  using namespace std::string_literals;
  for (const std::string& text : {"{}\0garbage"s, "{\"a\":\"x\0y\"}"s, "\0{}"s, "{}\0"s})
    expectError([&] { parseStrictJson(text, "request body"); }, ErrorCode::BadRequest,
                "request body is not valid JSON");
  EXPECT_TRUE(parseStrictJsonOrDiscarded(std::string("{}\0garbage", 10)).is_discarded());
}

TEST(StrictJson, RefusesTrailingBytes) {
  for (const char* text : {"{} garbage", "{}{}", "[1] 2", "{}\x01"})
    expectError([&] { parseStrictJson(text); }, ErrorCode::BadRequest, "syntax error at byte");
}

TEST(StrictJson, RefusesDuplicateMemberNames) {
  expectError([] { parseStrictJson(R"({"enroleeId": "a", "enroleeId": "b"})"); }, ErrorCode::BadRequest,
              "duplicate member name");
  expectError([] { parseStrictJson(R"({"p": {"token": "optional", "token": "required"}})"); }, ErrorCode::BadRequest,
              "duplicate member name");
  EXPECT_TRUE(parseStrictJsonOrDiscarded(R"([{"a":1,"a":1}])").is_discarded());
}

TEST(StrictJson, RefusesBytesThatAreNotUtf8AndDoesNotEchoThem) {
  const std::string text = "{\"a\": \"\xff\xfe\"}";
  try {
    parseStrictJson(text);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find('\xff'), std::string::npos) << "the message echoes the input";
    EXPECT_NO_THROW((void)nlohmann::json(e.what()).dump());
  }
}

TEST(StrictJson, RefusesDeepNesting) {
  const std::string deep = std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  expectError([&] { parseStrictJson(deep); }, ErrorCode::BadRequest, "nested deeper");
  const std::string fine = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_NO_THROW(parseStrictJson(fine));
}

TEST(StrictJson, UsesTheCallersErrorCode) {
  expectError([] { parseStrictJson("{", "the credential file", ErrorCode::Config); }, ErrorCode::Config,
              "the credential file is not valid JSON");
}

}  // namespace
}  // namespace rspf
