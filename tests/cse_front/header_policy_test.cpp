// The headers that cross the front (issue 15 items 1-2): what reaches the CSE, what the front
// owns, and what comes back to the Enrolee.
#include "cse_front/header_policy.hpp"

#include <gtest/gtest.h>

namespace rspf::cse_front {
namespace {

std::size_t count(const HeaderList& h, std::string_view name) {
  std::size_t n = 0;
  for (const auto& [k, v] : h)
    if (k == name) ++n;
  return n;
}

std::string value(const HeaderList& h, std::string_view name) {
  for (const auto& [k, v] : h)
    if (k == name) return v;
  return "<none>";
}

TEST(HeaderPolicy, OneM2MHeadersPassAndTheFrontOwnsOriginAndClientAddress) {
  transport::HttpRequest r;
  r.headers = {{"X-M2M-Origin", "CAdmin"},
               {"x-m2m-origin", "Cother"},
               {"X-M2M-RI", "req-1"},
               {"X-M2M-RVI", "3"},
               {"X-M2M-RTU", "http://n"},
               {"Content-Type", "application/json;ty=2"},
               {"Accept", "application/json"},
               {"Authorization", "Bearer tkn"},
               {"If-Match", "\"e1\""},
               {"remoteaddress", "10.0.0.1"},
               {"Forwarded", "for=10.0.0.1"},
               {"X-Forwarded-For", "10.0.0.1"},
               {"X-Forwarded-Host", "evil"},
               {"X-Real-IP", "10.0.0.1"},
               {"Via", "1.1 evil"},
               {"Host", "evil"},
               {"Connection", "close"},
               {"Transfer-Encoding", "chunked"},
               {"Cookie", "a=b"},
               {"Content-Length", "12"}};
  auto out = upstreamRequestHeaders(r, {"Cae1", "127.0.0.1:40000", "cse1.test.example", "https"});
  EXPECT_EQ(count(out, "X-M2M-Origin"), 1u);
  EXPECT_EQ(value(out, "X-M2M-Origin"), "Cae1");
  EXPECT_EQ(count(out, "x-m2m-origin"), 0u);
  EXPECT_EQ(value(out, "X-M2M-RI"), "req-1");
  EXPECT_EQ(value(out, "X-M2M-RVI"), "3");
  EXPECT_EQ(value(out, "X-M2M-RTU"), "http://n");
  EXPECT_EQ(value(out, "Content-Type"), "application/json;ty=2");
  EXPECT_EQ(value(out, "Accept"), "application/json");
  EXPECT_EQ(value(out, "Authorization"), "Bearer tkn");
  EXPECT_EQ(value(out, "If-Match"), "\"e1\"");
  for (const char* gone : {"remoteaddress", "X-Forwarded-Host", "X-Real-IP", "Via", "Host", "Connection",
                           "Transfer-Encoding", "Cookie", "Content-Length"})
    EXPECT_EQ(count(out, gone), 0u) << gone;
  EXPECT_EQ(count(out, "Forwarded"), 1u);
  EXPECT_EQ(value(out, "Forwarded"), "for=\"127.0.0.1:40000\";by=\"cse1.test.example\";proto=https");
  EXPECT_EQ(count(out, "X-Forwarded-For"), 1u);
  EXPECT_EQ(value(out, "X-Forwarded-For"), "127.0.0.1");
  EXPECT_EQ(value(out, "X-Forwarded-Proto"), "https");
}

TEST(HeaderPolicy, AnIpv6ClientIsBracketedAndQuotesCannotBeInjected) {
  auto out = upstreamRequestHeaders({}, {"Cae1", "::1:5555", "cse\"1", "https"});
  EXPECT_EQ(value(out, "Forwarded"), "for=\"[::1]:5555\";by=\"cse1\";proto=https");
  EXPECT_EQ(value(out, "X-Forwarded-For"), "::1");
}

TEST(HeaderPolicy, TheEnroleeGetsTheOneM2MResponseHeadersOnly) {
  HeaderList cse = {{"X-M2M-RSC", "2001"},    {"X-M2M-RI", "req-1"},
                    {"X-M2M-RVI", "3"},       {"Content-Location", "/cse-in/ae1"},
                    {"ETag", "\"1\""},        {"Set-Cookie", "s=1"},
                    {"Server", "cse"},        {"Connection", "keep-alive"},
                    {"Content-Length", "10"}, {"Access-Control-Allow-Origin", "*"}};
  auto out = downstreamResponseHeaders(cse);
  EXPECT_EQ(value(out, "X-M2M-RSC"), "2001");
  EXPECT_EQ(value(out, "X-M2M-RI"), "req-1");
  EXPECT_EQ(value(out, "X-M2M-RVI"), "3");
  EXPECT_EQ(value(out, "Content-Location"), "/cse-in/ae1");
  EXPECT_EQ(value(out, "ETag"), "\"1\"");
  for (const char* gone : {"Set-Cookie", "Server", "Connection", "Content-Length", "Access-Control-Allow-Origin"})
    EXPECT_EQ(count(out, gone), 0u) << gone;
}

}  // namespace
}  // namespace rspf::cse_front
