#pragma once
// A small oneM2M CSE over plain HTTP on loopback (TS-0009 binding), for the CSE front's tests, its
// benchmark and `rspf demo`: no CSE is packaged in Debian. It keeps a tree of resources below its
// <CSEBase> (ty=5): <AE> (2), <container> (3), <contentInstance> (4, in containers only) and, when
// enabled, <serviceSubscribedAppRule> (19, the admin's). It answers like a CSE does — the HTTP
// status of TS-0009 table 6.3.2-1, X-M2M-RSC, X-M2M-RI and X-M2M-RVI echoed, Content-Location for a
// create — and, like the CSEs the front protects, it believes X-M2M-Origin: the originator is whoever
// the header names (an AE's aei is its registrar's originator, its creator may update and delete it,
// the admin originator may do anything). It records every request it was given, headers and body, so
// tests can see what reached it.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace rspf::testing {

struct CseStandInOptions {
  std::string cseBase = "cse-in";  // the <CSEBase> resource name: resources live below /cse-in
  std::string cseId = "/id-in";
  std::string adminOriginator = "CAdmin";
  bool appRuleSupported = true;  // ty=19; without it a create of one is refused 400 / 4000
  std::uint16_t port = 0;        // 0: any free port
  bool recordRequests = true;    // keep what received() returns (a benchmark turns it off)
};

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> header(std::string_view name) const;  // case-insensitive, the first
  std::size_t count(std::string_view name) const;                  // how many fields have that name
};

class CseStandIn {
 public:
  explicit CseStandIn(CseStandInOptions options = {});  // binds 127.0.0.1 and serves at once
  ~CseStandIn();
  CseStandIn(const CseStandIn&) = delete;
  CseStandIn& operator=(const CseStandIn&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:<port>"
  // Every answer is held back this long (an upstream that is slow).
  void setDelay(std::chrono::milliseconds delay);
  std::vector<ReceivedRequest> received() const;
  void clearReceived();
  std::size_t connectionsAccepted() const;
  std::size_t openConnections() const;
  // The resource's attributes at `path` (e.g. "/cse-in/ae1"), if there is one.
  std::optional<nlohmann::json> resource(const std::string& path) const;
  void stop();  // closes the listener and every connection

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rspf::testing
