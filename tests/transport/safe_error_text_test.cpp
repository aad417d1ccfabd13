// safeErrorText and safeJsonDump: attacker bytes echoed into error bodies can never make the
// serializer throw (nlohmann type_error.316), and cuts never split a character.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/safe_text.hpp"

namespace rspf {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";
const std::string kEllipsis = "\xE2\x80\xA6";

// Throws type_error.316 on invalid UTF-8: the check the error bodies must pass.
void expectStrictlyDumpable(const std::string& text) {
  EXPECT_NO_THROW(static_cast<void>(nlohmann::json(text).dump())) << text;
}

TEST(SafeErrorText, ReplacesBytesThatAreNotUtf8) {
  EXPECT_EQ(safeErrorText("/\xff"), "/" + kFffd);
  EXPECT_EQ(safeErrorText("a\xc3"), "a" + kFffd);                               // a lead byte without its continuation
  EXPECT_EQ(safeErrorText("\xc0\xaf"), kFffd + kFffd);                          // an overlong encoding
  EXPECT_EQ(safeErrorText("\xed\xa0\x80"), kFffd + kFffd + kFffd);              // a UTF-16 surrogate
  EXPECT_EQ(safeErrorText("\xf4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // past U+10FFFF
  EXPECT_EQ(safeErrorText("line\r\nforged\x1b[31m"), "line" + kFffd + kFffd + "forged" + kFffd + "[31m");
  for (std::string s :
       {std::string("/\xff\xfe"), std::string("\xf0\x9f\x98"), std::string("x\x80y"), std::string("\0a", 2)})
    expectStrictlyDumpable(safeErrorText(s));
}

TEST(SafeErrorText, KeepsValidUtf8) {
  EXPECT_EQ(safeErrorText("Enrolee \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80"), "Enrolee \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80");
}

TEST(SafeErrorText, CutsOnACharacterBoundary) {
  std::string text = std::string(198, 'a') + "\xc3\xa9\xc3\xa9";  // 202 bytes; byte 200 splits the second é
  auto cut = safeErrorText(text, 200);
  EXPECT_LE(cut.size(), 200u);
  EXPECT_EQ(cut.substr(cut.size() - kEllipsis.size()), kEllipsis);
  expectStrictlyDumpable(cut);
  for (std::size_t max = 0; max < 12; ++max) {
    auto shortCut = safeErrorText("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", max);  // four €
    EXPECT_LE(shortCut.size(), max);
    expectStrictlyDumpable(shortCut);
  }
  EXPECT_EQ(safeErrorText("short", 200), "short");
}

TEST(SafeJsonDump, ReplacesInsteadOfThrowing) {
  nlohmann::json body{{"ErrorString", std::string("no resource at /\xff")}};
  EXPECT_THROW(static_cast<void>(body.dump()), nlohmann::json::type_error);
  auto text = safeJsonDump(body);
  EXPECT_EQ(nlohmann::json::parse(text)["ErrorString"], "no resource at /" + kFffd);
}

}  // namespace
}  // namespace rspf
