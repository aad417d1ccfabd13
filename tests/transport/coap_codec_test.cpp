// The CoAPS codec (PROTOCOL.md 7): response codes, Content-Format numbers, uint options, the JSON
// refusal.
#include "transport/coaps/coap_codec.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace rspf::transport::coap {
namespace {

TEST(CoapCodec, SuccessCodesFollowTheMethod) {
  EXPECT_EQ(codeText(codeOf(Status::Ok, Method::Get)), "2.05");
  EXPECT_EQ(codeText(codeOf(Status::Ok, Method::Post)), "2.04");
  EXPECT_EQ(codeText(codeOf(Status::Created, Method::Post)), "2.01");
  EXPECT_EQ(codeText(codeOf(Status::Pending, Method::Post)), "5.03");
  EXPECT_EQ(codeOf(Status::Ok, Method::Get), 69);  // 2 * 32 + 5 on the wire
}

TEST(CoapCodec, RefusalsMapAsTheirHttpStatus) {
  EXPECT_EQ(codeText(codeOf(ErrorCode::BadRequest)), "4.00");
  EXPECT_EQ(codeText(codeOf(ErrorCode::Unauthorized)), "4.01");
  EXPECT_EQ(codeText(codeOf(ErrorCode::Forbidden)), "4.03");
  EXPECT_EQ(codeText(codeOf(ErrorCode::NotFound)), "4.04");
  EXPECT_EQ(codeText(codeOf(ErrorCode::Conflict)), "4.09");
  EXPECT_EQ(codeText(codeOf(ErrorCode::PayloadTooLarge)), "4.13");
  EXPECT_EQ(codeText(codeOf(ErrorCode::Unavailable)), "5.03");
  EXPECT_EQ(codeText(codeOf(ErrorCode::Internal)), "5.00");
  EXPECT_EQ(codeText(codeOf(ErrorCode::Store)), "5.00");
}

TEST(CoapCodec, ContentFormatsOfRfc7252AndRfc9148) {
  EXPECT_EQ(contentFormatNumber(ContentFormat::Json), 50);
  EXPECT_EQ(contentFormatNumber(ContentFormat::Pkcs7CertsOnly), 281);
  EXPECT_EQ(contentFormatNumber(ContentFormat::CsrAttrs), 285);
  EXPECT_EQ(contentFormatNumber(ContentFormat::Pkcs10), 286);
  EXPECT_EQ(contentFormatNumber(ContentFormat::LinkFormat), 40);
  for (auto f : {ContentFormat::Json, ContentFormat::Pkcs7CertsOnly, ContentFormat::CsrAttrs, ContentFormat::Pkcs10,
                 ContentFormat::LinkFormat})
    EXPECT_EQ(contentFormatOfNumber(contentFormatNumber(f)), f);
  EXPECT_EQ(contentFormatOfNumber(0), ContentFormat::Other);  // text/plain is nothing the MEF takes
  EXPECT_EQ(contentFormatOfNumber(60), ContentFormat::Other);
}

TEST(CoapCodec, UintOptionsAreMinimalBigEndian) {
  EXPECT_EQ(encodeUint(0), "");
  EXPECT_EQ(encodeUint(50), std::string("\x32", 1));
  EXPECT_EQ(encodeUint(286), std::string("\x01\x1e", 2));
  EXPECT_EQ(encodeUint(16384), std::string("\x40\x00", 2));
  EXPECT_EQ(decodeUint(""), 0u);
  EXPECT_EQ(decodeUint(std::string("\x01\x1e", 2)), 286u);
  EXPECT_EQ(decodeUint(std::string("\xff\xff\xff\xff", 4)), 0xFFFFFFFFu);
  EXPECT_FALSE(decodeUint(std::string(5, '\x01')));  // a malformed option: longer than 4 bytes
}

TEST(CoapCodec, ErrorBodyIsTheJsonRefusalEvenForBytesThatAreNotUtf8) {
  auto body = nlohmann::json::parse(errorBody("unknown key \xff\xfe"));
  EXPECT_EQ(body["Status"], false);
  EXPECT_NE(body["ErrorString"].get<std::string>().find("unknown key"), std::string::npos);
}

}  // namespace
}  // namespace rspf::transport::coap
