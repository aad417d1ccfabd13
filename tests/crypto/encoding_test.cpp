// Hex and base64 (RFC 4648) encodings.
#include <gtest/gtest.h>

#include <string>

#include "crypto/encoding.hpp"

namespace rspf::crypto {
namespace {

Bytes bytesOf(std::string_view s) { return Bytes(s.begin(), s.end()); }

struct Rfc4648Vector {
  const char* text;
  const char* base64;
  const char* base16;
};

// RFC 4648 section 10.
constexpr Rfc4648Vector kVectors[] = {
    {"", "", ""},
    {"f", "Zg==", "66"},
    {"fo", "Zm8=", "666f"},
    {"foo", "Zm9v", "666f6f"},
    {"foob", "Zm9vYg==", "666f6f62"},
    {"fooba", "Zm9vYmE=", "666f6f6261"},
    {"foobar", "Zm9vYmFy", "666f6f626172"},
};

TEST(Base64, Rfc4648Vectors) {
  for (const auto& v : kVectors) {
    SCOPED_TRACE(v.text);
    EXPECT_EQ(toBase64(asBytes(v.text)), v.base64);
    auto decoded = fromBase64(v.base64);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, bytesOf(v.text));
  }
}

TEST(Hex, Rfc4648Vectors) {
  for (const auto& v : kVectors) {
    SCOPED_TRACE(v.text);
    EXPECT_EQ(toHex(asBytes(v.text)), v.base16);
    auto decoded = fromHex(v.base16);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, bytesOf(v.text));
  }
}

TEST(Hex, RoundTripOfEveryByteValueIsLowercase) {
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::uint8_t>(i));
  auto hex = toHex(all);
  ASSERT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(504), "fcfdfeff");
  EXPECT_EQ(hex.find_first_of("ABCDEF"), std::string::npos);
  EXPECT_EQ(fromHex(hex), all);
}

TEST(Hex, UppercaseAcceptedMalformedRejected) {
  EXPECT_EQ(fromHex("DEADbeef"), (Bytes{0xde, 0xad, 0xbe, 0xef}));
  EXPECT_FALSE(fromHex("abc"));    // odd length
  EXPECT_FALSE(fromHex("zz"));     // not hex
  EXPECT_FALSE(fromHex("0x12"));   // prefix
  EXPECT_FALSE(fromHex("12 34"));  // space
  EXPECT_FALSE(fromHex("1-"));
}

TEST(Base64, RoundTripOfEveryLengthAndByteValue) {
  Bytes data;
  for (int i = 0; i < 300; ++i) {
    auto text = toBase64(data);
    EXPECT_EQ(text.size() % 4, 0u);
    auto back = fromBase64(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(*back, data);
    data.push_back(static_cast<std::uint8_t>((i * 97 + 13) & 0xff));
  }
}

TEST(Base64, MalformedIsRejected) {
  const char* malformed[] = {
      "Zg=",         // bad length
      "Zg",          // bad length (no padding)
      "Zm9vY",       // bad length
      "Zm9v!A==",    // bad character
      "Zm9v YmFy",   // space
      "Zm9v\nYmFy",  // newline
      "-_8=",        // base64url alphabet
      "Zg==Zm8=",    // padding in the middle
      "Zm=v",        // data after padding
      "Z===",        // too much padding
      "====",        // padding only
      "Zm9vYmFy=",   // bad length with trailing padding
  };
  for (const char* text : malformed) EXPECT_FALSE(fromBase64(text)) << text;
}

TEST(Base64, StandardAndUrlAlphabets) {
  const Bytes bytes{0xfb, 0xff};
  EXPECT_EQ(toBase64(bytes), "+/8=");
  EXPECT_EQ(fromBase64("+/8="), bytes);
  EXPECT_EQ(toBase64Url(bytes), "-_8");  // no padding
  EXPECT_EQ(toBase64Url(asBytes("foobar")), "Zm9vYmFy");
  EXPECT_EQ(toBase64Url(asBytes("f")), "Zg");
  EXPECT_EQ(toBase64Url({}), "");
}

}  // namespace
}  // namespace rspf::crypto
