// The audit log under attack and over time (issue 9 item 4), against a running `rspf mef`: a flood of
// refused handshakes from one source is a bounded number of entries whose counts add up; a PSK
// identity made of control characters and bytes that are not UTF-8 is stored escaped and printed
// safely by `rspf admin audit tail` (text and --json); `rspf admin audit archive` moves the old
// entries to a 0600 file and both the rest of the log and the archive verify, on either store.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "common/text_file.hpp"
#include "support/loopback_deployment.hpp"
#include "support/postgres_cluster.hpp"

namespace rspf::testing {
namespace {

using nlohmann::json;

// TLS 1.2 PSK handshakes presenting `identity` with a key the MEF cannot know: each one is refused.
class RefusedHandshakes {
 public:
  explicit RefusedHandshakes(std::string identity) : identity_(std::move(identity)) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_max_proto_version(ctx_, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx_, "PSK:ECDHE-PSK:DHE-PSK");
    SSL_CTX_set_app_data(ctx_, this);
    SSL_CTX_set_psk_client_callback(
        ctx_, [](SSL* ssl, const char*, char* id, unsigned maxId, unsigned char* psk, unsigned maxPsk) -> unsigned {
          auto* self = static_cast<RefusedHandshakes*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
          std::snprintf(id, maxId, "%s", self->identity_.c_str());
          std::memset(psk, 0x5a, std::min(maxPsk, 32u));
          return 32;
        });
  }
  ~RefusedHandshakes() { SSL_CTX_free(ctx_); }
  // Returns how many handshakes failed (all of them, unless the MEF knew the key).
  int run(std::uint16_t port, int count) {
    int refused = 0;
    for (int i = 0; i < count; ++i) {
      int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(port);
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        continue;
      }
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, fd);
      if (SSL_connect(ssl) != 1) ++refused;
      SSL_free(ssl);
      ::close(fd);
    }
    return refused;
  }

 private:
  std::string identity_;
  SSL_CTX* ctx_ = nullptr;
};

class AuditRetention : public ::testing::Test {
 protected:
  ProcessResult admin(std::vector<std::string> args) {
    args.insert(args.begin(), {"admin", "--config", (d.dir() / "mef.toml").string()});
    return d.rspf(args);
  }
  static std::uint64_t countOf(const json& e) {
    std::smatch m;
    const std::string detail = e["detail"];
    static const std::regex count("^count=([0-9]+)[ ;]");
    return std::regex_search(detail, m, count) ? std::stoull(m[1]) : 0;
  }
  LoopbackDeployment d;
};

TEST_F(AuditRetention, AFloodOfRefusedHandshakesIsBoundedAndForgedBytesArePrintedSafely) {
  d.addEnrolee("cse1.test.example");
  d.startMef("\n[audit]\nrefused_handshake_interval = \"1h\"\n");
  const std::string forged = "x\n999  2026-01-01T00:00:00Z  admin:root  admin.enrolee.remove  all  success\xff\xfe";
  // The client sees the alert before the MEF's network thread counts the refusal: wait until the MEF
  // logged them, so that the order of the entries and the stop do not race with the counting.
  auto waitForLoggedRefusals = [&](std::size_t n) {
    for (int i = 0; i < 200; ++i) {
      const std::string log = d.mefLog();
      std::size_t logged = 0;
      for (auto at = log.find("TLS handshake from "); at != std::string::npos;
           at = log.find("TLS handshake from ", at + 1))
        if (auto end = log.find(' ', at + 19); end != std::string::npos)
          logged += log.compare(end, 10, " refused: ") == 0;
      if (logged >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  };
  ASSERT_EQ(RefusedHandshakes(forged).run(d.mefPort(), 1), 1);
  waitForLoggedRefusals(1);
  constexpr int kFlood = 400;
  ASSERT_EQ(RefusedHandshakes("flood-kpm").run(d.mefPort(), kFlood), kFlood);
  waitForLoggedRefusals(kFlood + 1u);
  d.stopMef();  // ends the interval: the MEF records what it counted

  auto tail = admin({"audit", "tail", "-n", "1000", "--json"});
  ASSERT_EQ(tail.exitCode, 0) << tail.err;
  auto entries = json::parse(tail.out);
  std::uint64_t refused = 0, fromLoopback = 0;
  for (const auto& e : entries)
    if (e["action"] == "bootstrap" && e["outcome"] == "refused") {
      EXPECT_EQ(e["actor"], "remote:127.0.0.1");
      refused += countOf(e);
      ++fromLoopback;
    }
  EXPECT_EQ(refused, kFlood + 1u) << entries.dump(1);
  EXPECT_EQ(fromLoopback, 2u) << entries.dump(1);  // the first refusal at once, the rest counted in one
  EXPECT_NE(tail.out.find(R"(x\\x0a999  2026-01-01T00:00:00Z  admin:root)"), std::string::npos) << tail.out;
  EXPECT_NE(tail.out.find(R"(success\\xff\\xfe)"), std::string::npos) << tail.out;

  auto text = admin({"audit", "tail", "-n", "1000"});
  ASSERT_EQ(text.exitCode, 0) << text.err;
  std::istringstream lines(text.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    EXPECT_TRUE(std::regex_search(line, std::regex("^[0-9]+  20[0-9-]+T"))) << "forged line: " << line;
    for (char c : line) EXPECT_TRUE(c >= 0x20 && c <= 0x7e) << line;
  }
  EXPECT_EQ(n, static_cast<int>(entries.size()));
  EXPECT_EQ(admin({"audit", "verify"}).exitCode, 0);
}

// The archive on each store: the embedded SQLite file and a PostgreSQL database.
class AuditArchive : public ::testing::TestWithParam<bool> {
 protected:
  AuditArchive() : d(GetParam() ? PostgresCluster::shared().createDatabase() : "") {}
  ProcessResult admin(std::vector<std::string> args) {
    args.insert(args.begin(), {"admin", "--config", (d.dir() / "mef.toml").string()});
    return d.rspf(args);
  }
  LoopbackDeployment d;
};

TEST_P(AuditArchive, ArchiveMovesOldEntriesToAPrivateFileAndBothVerify) {
  d.addEnrolee("cse1.test.example");
  d.startMef();  // writes mef.toml
  d.stopMef();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(admin({"enrolee", "disable", "cse1.test.example"}).exitCode, 0);
  const auto cut = now() + std::chrono::seconds(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  ASSERT_EQ(admin({"enrolee", "enable", "cse1.test.example"}).exitCode, 0);

  const auto archive = d.dir() / "audit-archive.json";
  auto r = admin({"audit", "archive", "--before", toRfc3339(cut), "--out", archive.string(), "--json"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["archived"], 5);
  struct stat st {};
  ASSERT_EQ(::stat(archive.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto rest = admin({"audit", "verify", "--json"});
  EXPECT_EQ(rest.exitCode, 0) << rest.out;
  EXPECT_EQ(json::parse(rest.out)["entries"], 2);  // the enable, and the archive's own entry
  auto archived = admin({"audit", "verify", "--archive", archive.string()});
  EXPECT_EQ(archived.exitCode, 0) << archived.out << archived.err;
  EXPECT_NE(archived.out.find("audit archive intact: 5 entries"), std::string::npos) << archived.out;
  // An archive is never overwritten; an edited archive is found.
  EXPECT_NE(admin({"audit", "archive", "--older-than", "1s", "--out", archive.string()}).exitCode, 0);
  std::string content = readTextFile(archive, "archive");
  content.replace(content.find("admin.enrolee.disable"), 21, "admin.enrolee.enable!");
  std::ofstream(archive, std::ios::trunc) << content;
  auto edited = admin({"audit", "verify", "--archive", archive.string()});
  EXPECT_EQ(edited.exitCode, 1) << edited.out;
  EXPECT_NE(edited.out.find("BROKEN"), std::string::npos) << edited.out;
  EXPECT_EQ(admin({"audit", "verify"}).exitCode, 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, AuditArchive, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Postgres" : "Sqlite"; });

TEST_F(AuditRetention, RetentionFromTheConfigurationIsTheDefault) {
  d.addEnrolee("cse1.test.example");
  // Long enough that the first archive's own entry is not yet due when the second archive runs, even
  // with each `rspf admin` taking a second under the sanitizers.
  d.startMef("\n[audit]\nretention = \"4s\"\n");
  d.stopMef();
  ASSERT_EQ(admin({"enrolee", "disable", "cse1.test.example"}).exitCode, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(5100));  // the log keeps whole seconds
  auto r = admin({"audit", "archive", "--out", (d.dir() / "a.json").string(), "--json"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["archived"], 1);
  EXPECT_EQ(admin({"audit", "verify"}).exitCode, 0);
  auto none = admin({"audit", "archive", "--out", (d.dir() / "b.json").string()});
  EXPECT_EQ(none.exitCode, 0) << none.err;
  EXPECT_FALSE(std::filesystem::exists(d.dir() / "b.json"));
}

}  // namespace
}  // namespace rspf::testing
