// The admin API's bearer token file: its digest form, the token form (0600, long enough), and the
// Authorization header.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "admin_api/admin_token.hpp"
#include "crypto/encoding.hpp"
#include "crypto/primitives.hpp"
#include "support/expectations.hpp"
#include "support/temp_dir.hpp"

namespace rspf::admin_api {
namespace {

using rspf::testing::expectError;
namespace fs = std::filesystem;

constexpr const char* kToken = "a-token-of-at-least-thirty-two-characters";

class AdminTokenTest : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& content, fs::perms perms) {
    auto file = dir / name;
    std::ofstream(file) << content;
    fs::permissions(file, perms);
    return file;
  }
  rspf::testing::TempDir dir;
};

TEST_F(AdminTokenTest, TheDigestFormHoldsNoSecretAndMatchesTheToken) {
  auto digest = crypto::toHex(crypto::sha256(crypto::asBytes(kToken)));
  auto token =
      AdminToken::load(write("digest", "sha256:" + digest + "\n", fs::perms::owner_read | fs::perms::group_read));
  EXPECT_TRUE(token.matches(kToken));
  EXPECT_FALSE(token.matches(std::string(kToken) + "x"));
  EXPECT_FALSE(token.matches(""));
  expectError([&] { AdminToken::load(write("short", "sha256:abcd\n", fs::perms::owner_read)); }, ErrorCode::Config,
              "64 hex digits");
}

TEST_F(AdminTokenTest, TheTokenFormMustBePrivateAndLongEnough) {
  auto token = AdminToken::load(write("token", std::string(kToken) + "\r\n", fs::perms::owner_read));
  EXPECT_TRUE(token.matches(kToken));
  auto readable = write("readable", kToken, fs::perms::owner_read | fs::perms::group_read);
  try {
    AdminToken::load(readable);
    ADD_FAILURE() << "a token others may read was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find(kToken), std::string::npos) << "the token is in the message";
  }
  expectError([&] { AdminToken::load(write("tiny", "short", fs::perms::owner_read)); }, ErrorCode::Config,
              "at least 32");
}

TEST(AdminTokenHeader, BearerSchemeOnly) {
  EXPECT_EQ(AdminToken::bearerToken("Bearer abc"), "abc");
  EXPECT_EQ(AdminToken::bearerToken("bearer   abc "), "abc");
  EXPECT_FALSE(AdminToken::bearerToken("Basic abc"));
  EXPECT_FALSE(AdminToken::bearerToken("Bearer"));
  EXPECT_FALSE(AdminToken::bearerToken(""));
}

}  // namespace
}  // namespace rspf::admin_api
