// `rspf <role> --check --config FILE` (issue 13 item 2) on the real binary: exit 0 with "OK" for a
// usable configuration; exit 1 with one line per problem (key, file mode, expired certificate, port,
// store schema) and no server started.
#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include "ca/key_pair.hpp"
#include "ca/pem.hpp"
#include "common/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

namespace rspf::testing {
namespace {

// A self-signed P-256 certificate valid from `fromHours` to `untilHours` around now.
void writeCertificate(const std::filesystem::path& certificate, const std::filesystem::path& key, long fromHours,
                      long untilHours) {
  auto pkey = ca::generateP256Key();
  ca::X509Ptr x(X509_new());
  ASSERT_TRUE(x);
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), fromHours * 3600);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), untilHours * 3600);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("mef.test.example"), -1, -1, 0);
  X509_set_issuer_name(x.get(), X509_get_subject_name(x.get()));
  X509_set_pubkey(x.get(), pkey.get());
  ASSERT_GT(X509_sign(x.get(), pkey.get(), EVP_sha256()), 0);
  ca::saveCertificatesPemFile(certificate, {x.get()});
  std::filesystem::remove(key);
  ca::savePrivateKeyPemFile(key, *pkey);
}

void writeKek(const std::filesystem::path& file, mode_t mode) {
  std::ofstream(file) << std::string(64, 'a') << "\n";
  ::chmod(file.c_str(), mode);
}

class ConfigCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    writeCertificate(dir / "mef.pem", dir / "mef-key.pem", -1, 24 * 30);
    writeKek(dir / "kek", 0600);
  }
  std::filesystem::path config(const std::string& text) {
    auto file = dir / "mef.toml";
    std::ofstream(file) << text;
    return file;
  }
  ProcessResult check(const std::string& role, const std::filesystem::path& file) {
    std::vector<std::string> args{RSPF_BINARY};
    std::istringstream words(role);
    for (std::string w; words >> w;) args.push_back(w);
    args.insert(args.end(), {"--check", "--config", file.string()});
    return runProcess(args);
  }
  static std::size_t lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

  TempDir dir;
  const std::string good =
      "[mef]\nfqdn = \"mef.test.example\"\nlisten = \"127.0.0.1:0\"\n"
      "[store]\nsqlite = \"store.db\"\nkek_file = \"kek\"\n"
      "[tls]\ncertificate = \"mef.pem\"\nprivate_key = \"mef-key.pem\"\nclient_trust_anchors = \"mef.pem\"\n";
};

TEST_F(ConfigCheck, AUsableConfigurationPasses) {
  auto r = check("mef", config(good));
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("mef.toml: OK"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir / "store.db")) << "--check must not create the store";
}

TEST_F(ConfigCheck, EachProblemIsOneLine) {
  writeCertificate(dir / "old.pem", dir / "old-key.pem", -48, -24);
  ::chmod((dir / "mef-key.pem").c_str(), 0644);
  writeKek(dir / "kek", 0640);
  auto r = check("mef", config("[mef]\nfqdn = \"mef.test.example\"\nlisten = \"127.0.0.1:99999\"\n"
                               "[store]\nsqlite = \"store.db\"\nkek_file = \"kek\"\n"
                               "[tls]\ncertificate = \"mef.pem\"\nprivate_key = \"mef-key.pem\"\n"
                               "client_trust_anchors = \"old.pem\"\ncrl = \"missing.crl\"\n"));
  EXPECT_EQ(r.exitCode, 1) << r.out;
  EXPECT_EQ(lines(r.out), 5u) << r.out;
  EXPECT_NE(r.out.find(":3: mef.listen:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("store.kek_file: the key file"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tls.private_key: the private key"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("chmod 600"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tls.client_trust_anchors: the certificate 1 in"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("has expired"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tls.crl: cannot read the CRL"), std::string::npos) << r.out;
}

TEST_F(ConfigCheck, UnknownKeysAreNamedWithASuggestion) {
  auto r = check("mef", config(good + "crl_file = \"x.crl\"\n[observabilty]\nlisten = \"127.0.0.1:0\"\n"));
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.out.find("mef.toml:11:1: unknown key 'crl_file' in [tls] (did you mean 'crl'?)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("mef.toml:12:1: unknown table [observabilty] (did you mean [observability]?)"),
            std::string::npos)
      << r.out;
}

TEST_F(ConfigCheck, AStoreFromANewerRspfOrReadableByOthersIsRefused) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "store.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version = 9999", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  ::chmod((dir / "store.db").c_str(), 0600);
  auto r = check("mef", config(good));
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.out.find("store.sqlite: the store"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("schema version 9999, newer than this rspf knows"), std::string::npos) << r.out;
  ::chmod((dir / "store.db").c_str(), 0644);
  r = check("mef", config(good));
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.out.find("must be a regular file only its owner may access"), std::string::npos) << r.out;
}

TEST_F(ConfigCheck, EveryServerRoleHasTheCheck) {
  auto target = dir / "target.toml";
  std::ofstream(target) << "[target]\nid = \"cse1\"\nlisten = \"127.0.0.1:0\"\n[mef]\nurl = \"https://127.0.0.1:1\"\n"
                           "fqdn = \"mef.test.example\"\nkpm_id = \"k\"\nkpm_file = \"kek\"\ncredentials = \"c.json\"\n"
                           "[obsrvability]\n";
  auto r = check("target", target);
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.out.find("did you mean [observability]?"), std::string::npos) << r.out;
  auto ca = dir / "ca.toml";
  std::ofstream(ca) << "[ca]\nfqdn = \"ca.test.example\"\n[store]\nsqlite = \"store.db\"\nkek_file = \"kek\"\n"
                       "[tls]\nclient_trust_anchors = \"mef.pem\"\n";
  r = check("ca serve", ca);
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  auto bsf = dir / "bsf.toml";
  std::ofstream(bsf) << "[bsf]\nfqdn = \"bsf.test.example\"\n[store]\nsqlite = \"bsf.db\"\n"
                        "[tls]\ncertificate = \"mef.pem\"\nprivate_key = \"mef-key.pem\"\n";
  r = check("bsf", bsf);
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.out.find("tls.naf_trust_anchors"), std::string::npos) << r.out;
  auto maf = dir / "maf.toml";
  std::ofstream(maf)
      << "[maf]\nid = \"maf.test.example\"\ncertificate = \"mef.pem\"\ncertificate_key = \"mef-key.pem\"\n"
         "[mef]\nurl = \"https://127.0.0.1:1\"\nfqdn = \"mef.test.example\"\ntrust_anchors = \"mef.pem\"\n";
  r = check("maf", maf);
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
}

}  // namespace
}  // namespace rspf::testing
