// The [target] forwarding keys (docs/configuration.md): read as documented, and every bad value
// refused with the key it concerns.
#include "cse_front/front_settings.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "common/error.hpp"
#include "support/temp_dir.hpp"
#include "target/target_config.hpp"

namespace rspf::cse_front {
namespace {

std::optional<FrontSettings> load(const testing::TempDir& dir, const std::string& targetKeys) {
  auto file = dir / "target.toml";
  std::ofstream(file) << "[target]\nid = \"cse1.test.example\"\n" << targetKeys << "\n";
  config::ConfigFile cf(file, target::targetConfigSchema());
  return loadFrontSettings(cf);
}

std::string refusal(const testing::TempDir& dir, const std::string& targetKeys) {
  try {
    load(dir, targetKeys);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Config);
    return e.what();
  }
  return "<accepted>";
}

TEST(FrontSettings, WithoutUpstreamTheTargetServesItself) {
  testing::TempDir dir;
  EXPECT_EQ(load(dir, ""), std::nullopt);
}

TEST(FrontSettings, EveryKeyIsRead) {
  testing::TempDir dir;
  auto s = load(dir,
                "upstream = \"http://127.0.0.1:7579/~\"\noriginator_prefix = \"S\"\n"
                "originator_strip_suffix = \".test.example\"\ndeny_originators = [\"/id-in\", \"Csys*\"]\n"
                "max_body_bytes = 1000\nmax_response_bytes = 2048\nupstream_pool_size = 3\nupstream_timeout = \"4s\"\n"
                "upstream_connect_timeout = \"1s\"\ncse_admin_originator = \"CAdmin\"\ncse_app_rule = \"/cse-in/r\"\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->upstream.url.host, "127.0.0.1");
  EXPECT_EQ(s->upstream.url.port, 7579);
  EXPECT_EQ(s->upstream.url.target, "/~");
  EXPECT_EQ(s->mapping.prefix, "S");
  EXPECT_EQ(s->mapping.stripSuffix, ".test.example");
  EXPECT_EQ(s->denyList, (std::vector<std::string>{"/id-in", "Csys*"}));
  EXPECT_EQ(s->maxBodyBytes, 1000u);
  EXPECT_EQ(s->upstream.maxResponseBytes, 2048u);
  EXPECT_EQ(s->upstream.poolSize, 3u);
  EXPECT_EQ(s->upstream.responseTimeout, std::chrono::seconds(4));
  EXPECT_EQ(s->upstream.connectTimeout, std::chrono::seconds(1));
  ASSERT_TRUE(s->appRule);
  EXPECT_EQ(s->appRule->adminOriginator, "CAdmin");
  EXPECT_EQ(s->appRule->resourcePath, "/cse-in/r");
}

TEST(FrontSettings, BadValuesAreRefusedNamingTheKey) {
  testing::TempDir dir;
  EXPECT_NE(refusal(dir, "upstream = \"https://127.0.0.1:8443\"").find("target.upstream"), std::string::npos);
  EXPECT_NE(refusal(dir, "upstream = \"http://\"").find("target.upstream"), std::string::npos);
  const std::string up = "upstream = \"http://127.0.0.1:8080\"\n";
  EXPECT_NE(refusal(dir, up + "deny_originators = \"CAdmin\"").find("array of strings"), std::string::npos);
  EXPECT_NE(refusal(dir, up + "deny_originators = [\"*\"]").find("deny_originators"), std::string::npos);
  EXPECT_NE(refusal(dir, up + "deny_originators = [1]").find("array of strings"), std::string::npos);
  EXPECT_NE(refusal(dir, up + "max_body_bytes = 0").find("max_body_bytes"), std::string::npos);
  EXPECT_NE(refusal(dir, up + "upstream_pool_size = 5000").find("upstream_pool_size"), std::string::npos);
  EXPECT_NE(refusal(dir, up + "upstream_timeout = \"soon\"").find("upstream_timeout"), std::string::npos);
  EXPECT_NE(refusal(dir, up + "originator_prefix = \"C \"").find("originator_prefix"), std::string::npos);
  EXPECT_NE(refusal(dir, up + "cse_admin_originator = \"CAdmin\"").find("cse_app_rule"), std::string::npos);
  EXPECT_NE(refusal(dir, up + "cse_app_rule = \"/cse-in/r\"").find("cse_admin_originator"), std::string::npos);
  EXPECT_NE(refusal(dir, up + "cse_admin_originator = \"CAdmin\"\ncse_app_rule = \"r\"").find("cse_app_rule"),
            std::string::npos);
  EXPECT_NE(refusal(dir, up + "upstream_pool = 3").find("upstream_pool"), std::string::npos);  // unknown key
}

}  // namespace
}  // namespace rspf::cse_front
