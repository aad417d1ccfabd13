// TS-0008 (CoAP) <-> TS-0009 (HTTP) mapping of the front (issue 15 item 3): originator, request
// identifier, resource type, release version, response status code, and the refusals.
#include "cse_front/coap_mapping.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace rspf::cse_front::coap {
namespace {

std::string header(const transport::HttpRequest& r, std::string_view name) { return r.header(name).value_or("<none>"); }

TEST(CoapMapping, UintOptionsUseTheShortestForm) {
  EXPECT_EQ(encodeUint(0), "");
  EXPECT_EQ(encodeUint(2), std::string("\x02", 1));
  EXPECT_EQ(encodeUint(4103), std::string("\x10\x07", 2));
  EXPECT_EQ(decodeUint(std::string("\x10\x07", 2)), 4103u);
  EXPECT_EQ(decodeUint(""), 0u);
  EXPECT_EQ(decodeUint(std::string(5, '\x01')), std::nullopt);
}

TEST(CoapMapping, ACreateBecomesAPostWithTyInContentTypeAndTheOneM2MHeaders) {
  Message m;
  m.code = 2;  // POST
  m.options = {{option::kUriPath, "cse-in"},
               {option::kContentFormat, encodeUint(50)},
               {option::kResourceType, encodeUint(2)},
               {option::kReleaseVersionIndicator, "3"},
               {option::kFrom, "Cae1"},
               {option::kRequestIdentifier, "req-7"},
               {option::kAccept, encodeUint(10001)},
               {option::kEventCategory, encodeUint(2)}};
  m.payload = R"({"m2m:ae":{"rn":"ae1"}})";
  auto r = toHttpRequest(m);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/cse-in");
  EXPECT_EQ(header(r, "Content-Type"), "application/json;ty=2");
  EXPECT_EQ(header(r, "X-M2M-Origin"), "Cae1");
  EXPECT_EQ(header(r, "X-M2M-RI"), "req-7");
  EXPECT_EQ(header(r, "X-M2M-RVI"), "3");
  EXPECT_EQ(header(r, "X-M2M-EC"), "2");
  EXPECT_EQ(header(r, "Accept"), "application/vnd.onem2m-res+json");
  EXPECT_EQ(r.body, m.payload);
}

TEST(CoapMapping, PathsAndQueriesKeepTheirScopeAndAreEncoded) {
  Message m;
  m.code = 1;
  m.options = {{option::kUriPath, "~"},
               {option::kUriPath, "id-in"},
               {option::kUriPath, "cse-in"},
               {option::kUriPath, "a b/c"},
               {option::kUriQuery, "rcn=4"},
               {option::kUriQuery, "lbl=x&y"},
               {option::kUriHost, "ignored.host"},
               {option::kBlock2, std::string("\x02", 1)}};
  auto r = toHttpRequest(m);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/~/id-in/cse-in/a%20b%2Fc?rcn=4&lbl=x%26y");
  m.options = {};
  EXPECT_EQ(toHttpRequest(m).target, "/");
}

TEST(CoapMapping, MethodsMapPerTable621) {
  Message m;
  m.code = 3;
  EXPECT_EQ(toHttpRequest(m).method, "PUT");
  m.code = 4;
  EXPECT_EQ(toHttpRequest(m).method, "DELETE");
  m.code = 5;  // FETCH (RFC 8132) is no oneM2M operation
  EXPECT_THROW(toHttpRequest(m), Error);
}

TEST(CoapMapping, UnknownCriticalOptionsAreRefusedElectiveOnesIgnored) {
  Message m;
  m.code = 1;
  m.options = {{option::kUriPath, "cse-in"}, {65000, "x"}};  // even: elective
  EXPECT_EQ(toHttpRequest(m).target, "/cse-in");
  m.options = {{option::kUriPath, "cse-in"}, {65001, "x"}};  // odd: critical
  try {
    toHttpRequest(m);
    FAIL() << "an unknown critical option was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadRequest);
    EXPECT_NE(std::string(e.what()).find("critical CoAP option 65001"), std::string::npos);
  }
  m.options = {{option::kIfMatch, "\x01"}};  // known to CoAP, not handled by the front: critical
  EXPECT_THROW(toHttpRequest(m), Error);
  m.options = {{option::kResourceType, std::string(5, '\x01')}};  // a uint of 5 bytes
  EXPECT_THROW(toHttpRequest(m), Error);
  m.options = {{option::kContentFormat, encodeUint(9999)}};  // no such format
  EXPECT_THROW(toHttpRequest(m), Error);
}

TEST(CoapMapping, ResponseStatusCodesFollowTable624) {
  EXPECT_EQ(coapCodeOfResponseStatusCode(2000, 1), code(2, 5));  // RETRIEVE
  EXPECT_EQ(coapCodeOfResponseStatusCode(2000, 2), code(2, 4));  // NOTIFY
  EXPECT_EQ(coapCodeOfResponseStatusCode(2001, 2), code(2, 1));
  EXPECT_EQ(coapCodeOfResponseStatusCode(2002, 4), code(2, 2));
  EXPECT_EQ(coapCodeOfResponseStatusCode(2004, 3), code(2, 4));
  EXPECT_EQ(coapCodeOfResponseStatusCode(4103, 1), code(4, 3));
  EXPECT_EQ(coapCodeOfResponseStatusCode(4105, 2), code(4, 3));  // CONFLICT is 4.03 in TS-0008
  EXPECT_EQ(coapCodeOfResponseStatusCode(4004, 1), code(4, 4));
  EXPECT_EQ(coapCodeOfResponseStatusCode(5103, 1), code(4, 4));
  EXPECT_EQ(coapCodeOfResponseStatusCode(4008, 1), code(5, 4));
  EXPECT_EQ(coapCodeOfResponseStatusCode(5207, 1), code(4, 6));
  EXPECT_EQ(coapCodeOfResponseStatusCode(4001, 1), code(5, 1));
  EXPECT_EQ(coapCodeOfResponseStatusCode(4120, 1), code(4, 2));
  EXPECT_EQ(coapCodeOfResponseStatusCode(1234, 1), std::nullopt);
}

TEST(CoapMapping, ACreatedAnswerCarriesRscRiLocationAndFormat) {
  transport::HttpResponse h;
  h.status = 201;
  h.contentType = "application/json";
  h.headers = {{"X-M2M-RSC", "2001"},
               {"X-M2M-RI", "req-7"},
               {"X-M2M-RVI", "3"},
               {"Content-Location", "/cse-in/ae%201"},
               {"Set-Cookie", "x"}};
  h.body = R"({"m2m:ae":{}})";
  auto c = toCoapResponse(h, 2);
  EXPECT_EQ(c.code, code(2, 1));
  EXPECT_EQ(c.option(option::kResponseStatusCode), encodeUint(2001));
  EXPECT_EQ(c.option(option::kRequestIdentifier), "req-7");
  EXPECT_EQ(c.option(option::kReleaseVersionIndicator), "3");
  EXPECT_EQ(c.option(option::kContentFormat), encodeUint(50));
  std::vector<std::string> location;
  for (const auto& o : c.options)
    if (o.number == option::kLocationPath) location.push_back(o.value);
  EXPECT_EQ(location, (std::vector<std::string>{"cse-in", "ae 1"}));
  for (std::size_t i = 1; i < c.options.size(); ++i) EXPECT_LE(c.options[i - 1].number, c.options[i].number);
  EXPECT_EQ(c.payload, h.body);
}

TEST(CoapMapping, TheFrontsOwnRefusalsMapThroughTheirRsc) {
  transport::HttpResponse h;
  h.status = 403;
  h.headers = {{"X-M2M-RSC", "4103"}};
  h.body = R"({"m2m:dbg":"originator does not match the authenticated Enrolee"})";
  auto c = toCoapResponse(h, 2);
  EXPECT_EQ(c.code, code(4, 3));
  EXPECT_EQ(c.option(option::kResponseStatusCode), encodeUint(4103));
  h.status = 504;
  h.headers = {{"X-M2M-RSC", "4008"}};
  EXPECT_EQ(toCoapResponse(h, 1).code, code(5, 4));
  // Without an RSC (the listener's own 413), the HTTP status decides; a non-numeric RSC is dropped.
  h.status = 413;
  h.headers = {{"X-M2M-RSC", "oops"}};
  auto tooLarge = toCoapResponse(h, 2);
  EXPECT_EQ(tooLarge.code, code(4, 13));
  EXPECT_EQ(tooLarge.option(option::kResponseStatusCode), std::nullopt);
}

}  // namespace
}  // namespace rspf::cse_front::coap
