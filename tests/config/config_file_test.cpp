// Strict configuration (issue 13 item 2): unknown tables and keys are refused with the file, line and
// a "did you mean"; a loader may only read keys its schema declares.
#include "config/config_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "common/error.hpp"
#include "mef/mef_config.hpp"
#include "support/temp_dir.hpp"

namespace rspf::config {
namespace {

using rspf::testing::TempDir;

const Schema kSchema = {{"mef", {{"fqdn"}, {"listen", KeyKind::HostPort}}},
                        {"tls", {{"certificate", KeyKind::Certificate}, {"crl", KeyKind::Crl}}},
                        {"observability", {{"listen", KeyKind::HostPort}}}};

std::filesystem::path write(const TempDir& dir, const std::string& text) {
  auto file = dir / "rspf.toml";
  std::ofstream(file) << text;
  return file;
}

std::string refusal(const std::filesystem::path& file, const Schema& schema = kSchema) {
  try {
    ConfigFile cf(file, schema);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Config);
    return e.what();
  }
  return "";
}

TEST(StrictConfig, AcceptsDeclaredTablesAndKeys) {
  TempDir dir;
  auto file = write(dir, "[mef]\nfqdn = \"m.example\"\n[tls]\ncrl = \"x.crl\"\n");
  ConfigFile cf(file, kSchema);
  EXPECT_EQ(cf.string("mef.fqdn"), "m.example");
  EXPECT_EQ(cf.path("tls.crl"), dir / "x.crl");
  EXPECT_FALSE(cf.string("mef.listen"));
}

TEST(StrictConfig, UnknownTableNamesLineAndSuggestion) {
  TempDir dir;
  auto file = write(dir, "[mef]\nfqdn = \"m.example\"\n\n[observabilty]\nlisten = \"127.0.0.1:9464\"\n");
  auto message = refusal(file);
  EXPECT_NE(message.find(file.string() + ":4:"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown table [observabilty] (did you mean [observability]?)"), std::string::npos) << message;
}

TEST(StrictConfig, KeyUnderTheWrongTableSuggestsItsTable) {
  TempDir dir;
  auto file = write(dir, "[mef]\nfqdn = \"m.example\"\ncrl_file = \"x.crl\"\n");
  auto message = refusal(file);
  EXPECT_NE(message.find(file.string() + ":3:"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown key 'crl_file' in [mef] (did you mean 'crl' in [tls]?)"), std::string::npos)
      << message;
}

TEST(StrictConfig, MisspeltKeySuggestsTheNearOneInTheSameTable) {
  TempDir dir;
  auto message = refusal(write(dir, "[tls]\ncertificat = \"c.pem\"\n"));
  EXPECT_NE(message.find("unknown key 'certificat' in [tls] (did you mean 'certificate'?)"), std::string::npos)
      << message;
}

TEST(StrictConfig, EveryProblemIsReportedOnItsOwnLine) {
  TempDir dir;
  auto message = refusal(write(dir, "top = 1\n[mef]\nfqdm = \"x\"\n[nothing_like_it]\na = 1\n"));
  EXPECT_NE(message.find("'top' is outside any table"), std::string::npos) << message;
  EXPECT_NE(message.find("(did you mean 'fqdn'?)"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown table [nothing_like_it]"), std::string::npos) << message;
  EXPECT_LT(message.find("'top'"), message.find("'fqdm'")) << "problems come in line order";
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 2) << message;
}

TEST(StrictConfig, NestedValuesUnderADeclaredKeyAreRefused) {
  TempDir dir;
  auto message = refusal(write(dir, "[mef]\nfqdn = [\"a\", \"b\"]\n"));
  EXPECT_NE(message.find("'mef.fqdn' must be a single value"), std::string::npos) << message;
}

TEST(StrictConfig, ReadingAnUndeclaredKeyIsABug) {
  TempDir dir;
  ConfigFile cf(write(dir, "[mef]\nfqdn = \"m\"\n"), kSchema);
  try {
    cf.string("mef.secret");
    FAIL() << "an undeclared key was read";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Internal);
  }
}

TEST(StrictConfig, WrongTypeNamesTheLine) {
  TempDir dir;
  ConfigFile cf(write(dir, "[mef]\n\nfqdn = 3\n"), kSchema);
  try {
    cf.string("mef.fqdn");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(":3:"), std::string::npos) << e.what();
  }
}

TEST(StrictConfig, TheMefRefusesTheMisspeltObservabilityTable) {
  TempDir dir;
  auto file = write(dir, "[mef]\nfqdn = \"m.example\"\n[store]\nsqlite = \"s.db\"\n[observabilty]\nlisten = \"x:1\"\n");
  try {
    mef::loadMefConfig(file);
    FAIL() << "the misspelt table was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean [observability]?"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rspf::config
