#pragma once
// What a bootstrap framework lets the peers it authenticated do at the MEF. Procedures check a
// grant, never which framework ran (ARCHITECTURE.md): a new framework states its grants once.
#include <cstdint>
#include <initializer_list>

namespace rspf::tls {

enum class Grant : std::uint8_t {
  EnrolmentExchange = 1U << 0,     // seed 8.3.3.1, on a session of any bootstrap framework
  CertificateEnrolment = 1U << 1,  // seed 8.3.3.3 /simpleenroll on this session
  // RFC 7030 4.2.2 /simplereenroll: the session is authenticated by the certificate being renewed.
  CertificateReenrolment = 1U << 2,
  // seed 8.3.3.6 pre-condition: the peer authenticated as a registered identity (its KreId, or a
  // certificate registered to it), so it may ask for keys as that identity.
  KeyRetrieval = 1U << 3,
  // 8.3.3.6 pre-conditions: "arranged on a case-by-case basis": a MAF registered as an Enrolment
  // Target and authenticated by its certificate needs no enrolment of its own.
  KeyRetrievalWithoutEnrolment = 1U << 4,
  // 8.3.3.2 re-keying: a session authenticated by an earlier Enrolment Key (KreId/Kre) enrols again
  // without a new Enrolment-Token: Kre proves the provisioning a token once authorized (issue 10 item 5).
  EnrolmentWithoutToken = 1U << 5,
};

class Grants {
 public:
  constexpr Grants() = default;
  constexpr Grants(std::initializer_list<Grant> grants) {
    for (Grant g : grants) bits_ |= static_cast<std::uint8_t>(g);
  }
  constexpr bool has(Grant g) const { return (bits_ & static_cast<std::uint8_t>(g)) != 0; }
  constexpr bool operator==(const Grants&) const = default;

 private:
  std::uint8_t bits_ = 0;
};

}  // namespace rspf::tls
