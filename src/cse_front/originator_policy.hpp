#pragma once
// Who the front says an Enrolee is (issue 15 item 2): the originator (TS-0009 6.4.7 X-M2M-Origin,
// the From parameter) is the Enrolee-ID the MEF returned for the key (Key Retrieval's EnroleeID,
// seed 8.3.3.6), in the CSE's originator form. A client may state its originator, but only as
// that Enrolee-ID or its mapped form; anything else is refused, never passed on. An originator on
// the deny-list (the CSE's admin, its own CSE-ID) is never an Enrolee's.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rspf::cse_front {

// Enrolee-ID -> CSE originator: drop `stripSuffix` when the Enrolee-ID ends with it, then prepend
// `prefix` (TS-0001 7.2: "S" for SP-relative AE-IDs the IN-CSE assigns, "C" for those a Registrar
// CSE assigns, "/" for an SP-relative CSE-ID). With neither set, the Enrolee-ID is the originator.
struct OriginatorMapping {
  std::string prefix;
  std::string stripSuffix;
};

class OriginatorPolicy {
 public:
  // Deny-list entries match case-insensitively; an entry ending in '*' matches every originator
  // that begins with the rest.
  OriginatorPolicy(OriginatorMapping mapping, std::vector<std::string> denied);

  std::string originatorOf(std::string_view enroleeId) const;
  bool denied(std::string_view originator) const;
  // Why the Enrolee may not be forwarded with `claimed` (its X-M2M-Origin or From, if any), or
  // nullopt when `claimed` is absent, empty, the Enrolee-ID or its originator.
  std::optional<std::string> refusal(std::string_view enroleeId, const std::optional<std::string>& claimed) const;

  const std::vector<std::string>& denyList() const { return denied_; }

 private:
  OriginatorMapping mapping_;
  std::vector<std::string> denied_;
};

}  // namespace rspf::cse_front
