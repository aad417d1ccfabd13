// procedures/audit_trail: what an attacker can put in the audit log (issue 9 item 4). Refused
// handshakes are counted per source and interval; every field is stored escaped.
#include "procedures/audit_trail.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <regex>

#include "crypto/primitives.hpp"
#include "store/open/open_store.hpp"
#include "support/temp_dir.hpp"

namespace rspf::procedures {
namespace {

TEST(AuditText, PrintableAsciiIsKeptEverythingElseIsEscaped) {
  EXPECT_EQ(escapeAuditText("psk:cse1.example.com"), "psk:cse1.example.com");
  EXPECT_EQ(escapeAuditText("a\nb\r\x1b[2J\xff\\"), "a\\x0ab\\x0d\\x1b[2J\\xff\\x5c");
  EXPECT_EQ(escapeAuditText("\xc3\xa9"), "\\xc3\\xa9");  // UTF-8 too: the log is ASCII only
  EXPECT_EQ(escapeAuditText(std::string(300, 'x'), 256), std::string(256, 'x') + "...(+44 bytes)");
  EXPECT_EQ(escapeAuditText(std::string("a\0b", 3)), "a\\x00b");
}

TEST(AuditText, PrintingStoredTextIsSafeAndLeavesEscapedTextAlone) {
  const std::string escaped = escapeAuditText("x\n12  2026-01-01T00:00:00Z  admin:root  forged\xff");
  EXPECT_EQ(printableAuditText(escaped), escaped);
  EXPECT_EQ(printableAuditText("raw\nline\xff"), "raw\\x0aline\\xff");  // an entry from before escaping
}

class HandshakeAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store = store::openSqliteStore(dir / "mef.db", store::KeyEncryptionKey(crypto::randomSecret(32)));
    trail.emplace(*store);
  }
  static transport::HandshakeReport refused(const std::string& remote, std::string_view identity = "id",
                                            std::string_view reason = "unknown PSK identity") {
    return {"none", false, "", identity, remote, reason};
  }
  std::vector<store::AuditEntry> entries() {
    store->flushAudit();
    return store->tailAudit(100000);
  }
  static std::uint64_t countOf(const store::AuditEntry& e) {
    std::smatch m;
    static const std::regex count("^count=([0-9]+)[ ;]");
    EXPECT_TRUE(std::regex_search(e.detail, m, count)) << e.detail;
    return m.empty() ? 0 : std::stoull(m[1]);
  }
  rspf::testing::TempDir dir;
  std::unique_ptr<store::Store> store;
  std::optional<AuditTrail> trail;
};

TEST_F(HandshakeAuditTest, AFloodFromOneSourceIsTwoEntriesPerIntervalWithTheRightCount) {
  {
    HandshakeAudit audit(*trail, nullptr, AuditSettings{std::chrono::seconds(3600), 20, std::nullopt});
    for (int i = 0; i < 5000; ++i) audit.handshake(refused("198.51.100.7:" + std::to_string(1024 + i)));
    audit.flushRefusals();  // the interval's end
  }
  auto log = entries();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].actor, "remote:198.51.100.7");
  EXPECT_EQ(log[0].outcome, "refused");
  EXPECT_EQ(countOf(log[0]), 1u);
  EXPECT_EQ(countOf(log[1]), 4999u);
  EXPECT_NE(log[1].detail.find("last reason: unknown PSK identity"), std::string::npos) << log[1].detail;
}

TEST_F(HandshakeAuditTest, ManySourcesAreBoundedPerIntervalAndEveryRefusalIsCounted) {
  {
    HandshakeAudit audit(*trail, nullptr, AuditSettings{std::chrono::seconds(3600), 20, std::nullopt});
    for (int round = 0; round < 3; ++round)
      for (int source = 0; source < 500; ++source)
        audit.handshake(refused("203.0.113." + std::to_string(source % 250) + (source < 250 ? "" : "0") + ":1"));
    audit.flushRefusals();
    // The next interval starts afresh.
    audit.handshake(refused("192.0.2.1:1"));
  }  // closing records what is counted
  auto log = entries();
  EXPECT_LE(log.size(), 2u * 20 + 1 + 1);
  std::uint64_t total = 0;
  for (const auto& e : log) total += countOf(e);
  EXPECT_EQ(total, 3u * 500 + 1);
  EXPECT_EQ(log.back().actor, "remote:192.0.2.1");
  bool others = false;
  for (const auto& e : log) others = others || e.actor == "remote:(other sources)";
  EXPECT_TRUE(others);
}

TEST_F(HandshakeAuditTest, AttackerBytesAreStoredEscapedAndBounded) {
  const std::string forged = "x\n99  2026-01-01T00:00:00Z  admin:root  admin.enrolee.remove  all  success\xff\xfe";
  {
    HandshakeAudit audit(*trail, nullptr, AuditSettings{std::chrono::seconds(3600), 20, std::nullopt});
    audit.handshake(refused("127.0.0.1:5", forged, std::string(5000, 'r')));
  }
  auto log = entries();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].subject, escapeAuditText(forged));
  EXPECT_EQ(log[0].subject.find('\n'), std::string::npos);
  EXPECT_LE(log[0].detail.size(), kMaxAuditDetailBytes + 32);
  for (const auto& field : {log[0].actor, log[0].subject, log[0].detail})
    for (char c : field) EXPECT_TRUE(c >= 0x20 && c <= 0x7e) << field;
  EXPECT_TRUE(store->verifyAudit().intact);
}

TEST_F(HandshakeAuditTest, AcceptedHandshakesAreEachRecorded) {
  {
    HandshakeAudit audit(*trail, nullptr);
    for (int i = 0; i < 3; ++i) audit.handshake({"psk", true, "cse1.example.com", "cse1-kpm", "127.0.0.1:9", ""});
  }
  auto log = entries();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].actor, "psk:cse1.example.com");
  EXPECT_EQ(log[0].outcome, "success");
}

}  // namespace
}  // namespace rspf::procedures
