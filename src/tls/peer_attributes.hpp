#pragma once
// Attributes a framework sets on the peers it authenticates and procedures read (the keys of
// ResolvedPsk::attributes and AuthenticatedPeer::attributes): procedures read these, never which
// framework ran.

namespace rspf::tls {

// The session rests on this Enrolment Key (its Relative-KeId): it ends with that key.
inline constexpr const char* kRelativeKeIdAttribute = "relativeKeId";
// The presented certificate's serial number (hex): what /simplereenroll renews.
inline constexpr const char* kCertificateSerialAttribute = "certificateSerial";

}  // namespace rspf::tls
