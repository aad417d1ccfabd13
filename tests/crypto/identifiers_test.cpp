// Key identifiers (PROTOCOL.md section 3): KeId, derived key identifier, ASCII-only identifiers.
#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"
#include "crypto/identifiers.hpp"

namespace rspf::crypto {
namespace {

constexpr const char* kRelative = "000102030405060708090a0b0c0d0e0f";

TEST(ParseKeyIdentifier, KeId) {
  auto id = parseKeyIdentifier(std::string(kRelative) + "@mef.example.com");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->relativeKeId, kRelative);
  EXPECT_FALSE(id->suid);
  EXPECT_EQ(id->mefFqdn, "mef.example.com");
}

TEST(ParseKeyIdentifier, DerivedKeyIdentifier) {
  auto id = parseKeyIdentifier(std::string(kRelative) + "-22@mef.example.com");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->relativeKeId, kRelative);
  ASSERT_TRUE(id->suid);
  EXPECT_EQ(*id->suid, 22);
  EXPECT_EQ(id->mefFqdn, "mef.example.com");

  auto padded = parseKeyIdentifier(std::string(kRelative) + "-05@mef.example.com");
  ASSERT_TRUE(padded);
  EXPECT_EQ(padded->suid, 5);
}

TEST(ParseKeyIdentifier, UppercaseHexIsLowercased) {
  auto id = parseKeyIdentifier("E55761870F47DB28ACF649F2716F9507@mef.example.com");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->relativeKeId, "e55761870f47db28acf649f2716f9507");
}

TEST(ParseKeyIdentifier, FqdnIsCaseInsensitive) {
  auto id = parseKeyIdentifier(std::string(kRelative) + "@MEF.Example.COM");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->mefFqdn, "mef.example.com");
  EXPECT_TRUE(equalsIgnoreCase("MEF.Example.COM", "mef.example.com"));
  EXPECT_FALSE(equalsIgnoreCase("mef.example.com", "mef.example.co"));
  EXPECT_FALSE(equalsIgnoreCase("mef.example.com", "meg.example.com"));
  EXPECT_EQ(toLower("MEF.Example.COM"), "mef.example.com");
}

TEST(ParseKeyIdentifier, RoundTripsWhatIsMade) {
  auto keId = makeKeId(kRelative, "mef.example.com");
  auto derived = makeDerivedKeyIdentifier(kRelative, 24, "mef.example.com");
  auto a = parseKeyIdentifier(keId);
  auto b = parseKeyIdentifier(derived);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->relativeKeId, kRelative);
  EXPECT_EQ(b->relativeKeId, kRelative);
  EXPECT_EQ(b->suid, 24);
}

TEST(ParseKeyIdentifier, RejectsMalformed) {
  const char* malformed[] = {
      "000102030405060708090a0b0c0d0e0f",                      // no '@'
      "000102030405060708090a0b0c0d0e0f@mef@example.com",      // two '@'
      "@000102030405060708090a0b0c0d0e0f@mef.example.com",     // two '@'
      "000102030405060708090a0b0c0d0e0@mef.example.com",       // 31 hex digits
      "000102030405060708090a0b0c0d0e0f0@mef.example.com",     // 33 hex digits
      "000102030405060708090a0b0c0d0e0g@mef.example.com",      // non-hex
      "00010203040506070809 a0b0c0d0e0f@mef.example.com",      // space
      "000102030405060708090a0b0c0d0e0f-2@mef.example.com",    // one-digit SUID
      "000102030405060708090a0b0c0d0e0f-222@mef.example.com",  // three-digit SUID
      "000102030405060708090a0b0c0d0e0f-x1@mef.example.com",   // non-digit SUID
      "000102030405060708090a0b0c0d0e0f-@mef.example.com",     // empty SUID
      "000102030405060708090a0b0c0d0e0f_22@mef.example.com",   // wrong separator
      "000102030405060708090a0b0c0d0e0f@",                     // empty FQDN
      "000102030405060708090a0b0c0d0e0f@mef example.com",      // space in FQDN
      "000102030405060708090a0b0c0d0e0f@m\xc3\xa9"
      "f.example.com",     // non-ASCII FQDN
      "@mef.example.com",  // empty RelativeKeId
      "",
  };
  for (const char* text : malformed) EXPECT_FALSE(parseKeyIdentifier(text)) << text;
}

TEST(ParseRelativeKeId, AcceptsExactly32HexDigits) {
  EXPECT_EQ(parseRelativeKeId("000102030405060708090A0B0C0D0E0F"), std::string(kRelative));
  EXPECT_FALSE(parseRelativeKeId("000102030405060708090a0b0c0d0e0"));
  EXPECT_FALSE(parseRelativeKeId("000102030405060708090a0b0c0d0e0f0"));
  EXPECT_FALSE(parseRelativeKeId("000102030405060708090a0b0c0d0e0z"));
  EXPECT_FALSE(parseRelativeKeId(std::string(kRelative) + "@mef.example.com"));
  EXPECT_FALSE(parseRelativeKeId(""));
}

TEST(AsciiIdentifier, AcceptsPrintableAscii) {
  EXPECT_TRUE(isAsciiIdentifier("cse1.example.com"));
  EXPECT_TRUE(isAsciiIdentifier("C-AE_7~x"));
  EXPECT_TRUE(isAsciiIdentifier("a"));
}

TEST(AsciiIdentifier, RejectsNonAsciiSpacesAndEmpty) {
  EXPECT_FALSE(
      isAsciiIdentifier("enrol\xc3\xa9"
                        "e.example.com"));          // "é" in UTF-8
  EXPECT_FALSE(isAsciiIdentifier("\xef\xbd\x81"));  // fullwidth 'a'
  EXPECT_FALSE(isAsciiIdentifier("cse1 example.com"));
  EXPECT_FALSE(isAsciiIdentifier(" cse1"));
  EXPECT_FALSE(isAsciiIdentifier("cse1\t"));
  EXPECT_FALSE(isAsciiIdentifier("cse1\n"));
  EXPECT_FALSE(isAsciiIdentifier("cse1\x7f"));
  EXPECT_FALSE(isAsciiIdentifier(std::string_view("cse\0one", 7)));
  EXPECT_FALSE(isAsciiIdentifier(""));
}

TEST(AsciiIdentifier, RequireThrowsBadRequestNamingTheField) {
  EXPECT_NO_THROW(requireAsciiIdentifier("cse1.example.com", "Enrolee-ID"));
  for (std::string_view bad : {std::string_view("enrol\xc3\xa9"
                                                "e"),
                               std::string_view("a b"), std::string_view("")}) {
    try {
      requireAsciiIdentifier(bad, "Enrolee-ID");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::BadRequest);
      EXPECT_NE(std::string(e.what()).find("Enrolee-ID"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace rspf::crypto
