// ConnectionGate: the caps of ListenerLimits per listener, per source, and on not yet
// authenticated connections; tickets give their place back; refusals reach the observer.
#include <gtest/gtest.h>

#include <map>

#include "transport/connection_gate.hpp"
#include "transport/server_observer.hpp"

namespace rspf::transport {
namespace {

class Refusals : public ServerObserver {
 public:
  void handshake(const HandshakeReport&) override {}
  void request(int, std::chrono::nanoseconds) override {}
  void refused(std::string_view listener, std::string_view reason) override {
    ++counts[std::string(listener) + "/" + std::string(reason)];
  }
  std::map<std::string, int> counts;
};

ListenerLimits limits(std::size_t total, std::size_t perSource, std::size_t handshaking) {
  ListenerLimits l;
  l.maxConnections = total;
  l.maxConnectionsPerSource = perSource;
  l.maxHandshakesPerSource = handshaking;
  return l;
}

TEST(ConnectionGate, CapsTheListener) {
  Refusals observer;
  ConnectionGate gate("mef", limits(2, 10, 10), &observer);
  auto a = gate.admit("10.0.0.1");
  auto b = gate.admit("10.0.0.2");
  EXPECT_TRUE(a && b);
  EXPECT_FALSE(gate.admit("10.0.0.3"));
  EXPECT_EQ(observer.counts["mef/listener_full"], 1);
  a = {};  // released
  EXPECT_EQ(gate.open(), 1u);
  EXPECT_TRUE(gate.admit("10.0.0.3"));
}

TEST(ConnectionGate, CapsOneSourceAndItsHandshakes) {
  Refusals observer;
  ConnectionGate gate("mef", limits(100, 3, 2), &observer);
  auto a = gate.admit("10.0.0.1");
  auto b = gate.admit("10.0.0.1");
  EXPECT_FALSE(gate.admit("10.0.0.1"));  // two handshaking
  EXPECT_EQ(observer.counts["mef/source_handshaking"], 1);
  EXPECT_TRUE(gate.admit("10.0.0.2"));  // another source is not affected
  a.authenticated();
  a.authenticated();  // once only
  auto c = gate.admit("10.0.0.1");
  EXPECT_TRUE(c);
  c.authenticated();
  b.authenticated();
  EXPECT_FALSE(gate.admit("10.0.0.1"));  // three open
  EXPECT_EQ(observer.counts["mef/source_full"], 1);
  b = {};
  EXPECT_TRUE(gate.admit("10.0.0.1"));
}

TEST(ConnectionGate, AMovedTicketReleasesOnce) {
  ConnectionGate gate("t", limits(1, 1, 1), nullptr);
  auto a = gate.admit("s");
  ConnectionGate::Ticket b = std::move(a);
  EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): the moved-from ticket is empty
  EXPECT_EQ(gate.open(), 1u);
  b = {};
  EXPECT_EQ(gate.open(), 0u);
  EXPECT_TRUE(gate.admit("s"));
}

TEST(ListenerLimits, DefaultCapLeavesAReserve) {
  EXPECT_EQ(defaultMaxConnections(20000), (20000 - 256) / 4 * 3);
  EXPECT_EQ(defaultMaxConnections(64), 16u);
  EXPECT_GE(raiseFileDescriptorLimit(), 64u);
  EXPECT_GT(resolved({}).maxConnections, 0u);
}

}  // namespace
}  // namespace rspf::transport
