// The HTTP Digest header fields of Ub (RFC 2617 3.2; TS 24.109 4.5.2) and query parameters.
#include <gtest/gtest.h>

#include "support/expectations.hpp"
#include "transport/https/digest_header.hpp"
#include "transport/https/query_string.hpp"

namespace rspf::transport {
namespace {

using rspf::testing::expectError;

TEST(DigestHeader, ParsesQuotedAndTokenValues) {
  auto d = DigestParameters::parse(
      R"(Digest username="a@b", realm="bsf.example", nonce="", qop=auth-int, nc=00000001 , Response="x\"y")");
  EXPECT_EQ(d.get("username"), "a@b");
  EXPECT_EQ(d.get("nonce"), "");
  EXPECT_EQ(d.get("qop"), "auth-int");
  EXPECT_EQ(d.get("nc"), "00000001");
  EXPECT_EQ(d.get("response"), "x\"y");  // names are case-insensitive, escapes undone
  EXPECT_FALSE(d.get("auts"));
  expectError([&] { d.require("cnonce"); }, ErrorCode::BadRequest, "'cnonce' is missing");
}

TEST(DigestHeader, FormatsWhatItParses) {
  auto text = formatDigestHeader({{"realm", "r\"1"}, {"algorithm", "AKAv1-MD5", false}, {"qop", "auth-int"}});
  EXPECT_EQ(text, R"(Digest realm="r\"1", algorithm=AKAv1-MD5, qop="auth-int")");
  auto d = DigestParameters::parse(text);
  EXPECT_EQ(d.get("realm"), "r\"1");
  EXPECT_EQ(d.get("algorithm"), "AKAv1-MD5");
}

TEST(DigestHeader, RefusesMalformedInput) {
  expectError([] { DigestParameters::parse("Basic abc"); }, ErrorCode::BadRequest, "scheme must be Digest");
  expectError([] { DigestParameters::parse("Digestusername=\"a\""); }, ErrorCode::BadRequest, "scheme");
  expectError([] { DigestParameters::parse("Digest username"); }, ErrorCode::BadRequest, "no '='");
  expectError([] { DigestParameters::parse("Digest a=\"1\" b=\"2\""); }, ErrorCode::BadRequest, "separated");
  expectError([] { DigestParameters::parse("Digest a b=1"); }, ErrorCode::BadRequest, "bad parameter name");
  expectError([] { DigestParameters::parse("Digest " + std::string(kMaxDigestHeaderBytes, 'a')); },
              ErrorCode::BadRequest, "exceeds the limit");
}

TEST(QueryString, DecodesParameters) {
  std::string target = "/zn/keys?btid=" + percentEncode("I1U8vpY3+J0h/NQ==@bsf") + "&nafId=00ff&flag";
  EXPECT_EQ(queryParameter(target, "btid"), "I1U8vpY3+J0h/NQ==@bsf");
  EXPECT_EQ(queryParameter(target, "nafId"), "00ff");
  EXPECT_EQ(queryParameter(target, "flag"), "");
  EXPECT_FALSE(queryParameter(target, "other"));
  EXPECT_FALSE(queryParameter("/zn/keys", "btid"));
  expectError([] { queryParameter("/x?a=%G1", "a"); }, ErrorCode::BadRequest, "percent-escape");
}

}  // namespace
}  // namespace rspf::transport
