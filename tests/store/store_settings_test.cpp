// [store] sqlite / url / pool_size, and `rspf admin --store` taking either (store/store_settings.hpp).
#include "store/store_settings.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace rspf::store {
namespace {

std::string configErrorOf(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Config);
    return e.what();
  }
  ADD_FAILURE() << "no Error(Config) thrown";
  return "";
}

TEST(StoreSettings, ExactlyOneOfSqliteAndUrlNamesTheStore) {
  auto s = storeSettingsFrom(std::filesystem::path("mef.db"), std::nullopt, std::nullopt, "mef.toml");
  EXPECT_FALSE(s.postgres());
  EXPECT_EQ(s.sqlite, "mef.db");
  auto p = storeSettingsFrom(std::nullopt, std::string("host=a,b dbname=rspf target_session_attrs=read-write"), 16,
                             "mef.toml");
  EXPECT_TRUE(p.postgres());
  EXPECT_EQ(p.poolSize, 16u);
  EXPECT_EQ(storeSettingsFrom(std::nullopt, std::string("postgresql://rspf@db1,db2/rspf"), std::nullopt, "x").poolSize,
            StoreSettings::kDefaultPoolSize);

  EXPECT_NE(configErrorOf([] {
              storeSettingsFrom(std::nullopt, std::nullopt, std::nullopt, "mef.toml");
            }).find("mef.toml: name the store with exactly one of"),
            std::string::npos);
  EXPECT_NE(configErrorOf([] {
              storeSettingsFrom(std::filesystem::path("a.db"), std::string("dbname=x"), std::nullopt, "mef.toml");
            }).find("exactly one"),
            std::string::npos);
  EXPECT_NE(configErrorOf([] {
              storeSettingsFrom(std::filesystem::path("a.db"), std::nullopt, 4, "m");
            }).find("store.pool_size goes with store.url"),
            std::string::npos);
  for (std::int64_t bad : {0, -1, 257})
    EXPECT_NE(configErrorOf([&] {
                storeSettingsFrom(std::nullopt, std::string("dbname=x"), bad, "m");
              }).find("store.pool_size must be 1 to 256"),
              std::string::npos);
}

TEST(StoreSettings, AMalformedUrlOrOneWithAPasswordIsRefusedWithoutEchoingThePassword) {
  EXPECT_NE(configErrorOf([] {
              storeSettingsFrom(std::nullopt, std::string("host='unterminated"), std::nullopt, "m");
            }).find("store.url is not a PostgreSQL connection string"),
            std::string::npos);
  EXPECT_NE(configErrorOf([] {
              storeSettingsFrom(std::nullopt, std::string("nosuchkey=1"), std::nullopt, "m");
            }).find("not a PostgreSQL connection string"),
            std::string::npos);
  for (const char* url : {"host=db password=hunter2secret", "postgresql://rspf:hunter2secret@db/rspf"}) {
    auto message = configErrorOf([&] { storeSettingsFrom(std::nullopt, std::string(url), std::nullopt, "m"); });
    EXPECT_NE(message.find("must not hold a password"), std::string::npos) << message;
    EXPECT_EQ(message.find("hunter2secret"), std::string::npos) << message;
  }
}

TEST(StoreSettings, TheAdminStoreArgumentIsAUrlOrAFile) {
  EXPECT_TRUE(storeSettingsFromArgument("postgresql://rspf@db/rspf").postgres());
  EXPECT_TRUE(storeSettingsFromArgument("postgres://db/rspf").postgres());
  EXPECT_TRUE(storeSettingsFromArgument("host=127.0.0.1 dbname=rspf").postgres());
  auto file = storeSettingsFromArgument("/var/lib/rspf/mef.db");
  EXPECT_FALSE(file.postgres());
  EXPECT_EQ(file.sqlite, "/var/lib/rspf/mef.db");
}

}  // namespace
}  // namespace rspf::store
