// The CoAPS listener keeps serving whatever its handler throws (issue 9 item 2 for the CoAPS
// binding): no exception crosses libcoap's C frames; a standard or a non-standard exception is
// answered 5.00 with the JSON error, and the next request on the same session is answered.
#include <gtest/gtest.h>

#include <stdexcept>

#include "common/error.hpp"
#include "crypto/encoding.hpp"
#include "transport/coaps/coaps_client.hpp"
#include "transport/coaps/coaps_server.hpp"

namespace rspf::transport {
namespace {

constexpr const char* kKeyHex = "00112233445566778899aabbccddeeff";
constexpr const char* kServerName = "mef.test.example";

class OneDevice : public tls::PskIdentityResolver {
 public:
  std::optional<tls::ResolvedPsk> resolve(std::string_view identity) override {
    if (identity != "device") return std::nullopt;
    return tls::ResolvedPsk{crypto::SecretBytes(*crypto::fromHex(kKeyHex)), "test", "device", {}, {}};
  }
};

Request get(std::string target) {
  Request r;
  r.scheme = "coaps";
  r.method = Method::Get;
  r.target = std::move(target);
  return r;
}

TEST(CoapsServerHardening, AThrowingHandlerIsAnswered500AndTheSessionServesOn) {
  OneDevice resolver;
  CoapsServerSettings settings;
  settings.port = 0;
  settings.serverName = kServerName;
  CoapsServer server(std::move(settings), resolver, [](const tls::AuthenticatedPeer&, const Request& request) {
    if (request.target == "/std") throw std::runtime_error("a handler's own failure");
    if (request.target == "/other") throw 42;  // not a std::exception
    return jsonResponse("{\"ok\":true}");
  });
  server.start();
  CoapsClient client({"127.0.0.1", server.port()}, tls::PskClientSettings{kServerName, false},
                     tls::PskClientCredentials{"device", crypto::SecretBytes(*crypto::fromHex(kKeyHex))});
  for (const char* target : {"/std", "/other"}) {
    try {
      client.send(get(target), "the request");
      ADD_FAILURE() << target << " was answered as a success";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Internal) << target << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find("internal error"), std::string::npos) << e.what();
    }
    EXPECT_EQ(client.send(get("/ok"), "the next request").body, "{\"ok\":true}") << "after " << target;
  }
  EXPECT_TRUE(server.listening());
  server.stop();
  server.wait();
}

}  // namespace
}  // namespace rspf::transport
