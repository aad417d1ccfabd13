#pragma once
// An Enrolee's (D)TLS-PSK channel to an Enrolment Target with a provisioned key (PROTOCOL.md 5):
// psk_identity = KeId the first time, the derived key identifier afterwards.
#include <optional>
#include <string>

#include "enrolee/enrolee_credentials.hpp"
#include "transport/https/http_message.hpp"

namespace rspf::enrolee {

// Automatic: the KmId a MAF assigned, else KeId the first time, else the derived key identifier.
enum class IdentityChoice { Automatic, KeId, DerivedKeyIdentifier, KmId };

struct TargetRequest {
  std::string targetUrl;  // https://host:port
  std::string targetId;   // Target-ID the key was derived for; also the SNI
  std::optional<std::string> usage;
  IdentityChoice identity = IdentityChoice::Automatic;
  bool evenIfExpired = false;  // try anyway (to see a target refuse an expired key)
  transport::HttpRequest request;
};

// Sends one request over a fresh handshake; marks the key as presented on success.
// Throws Error(Config) when no key is provisioned for the target, Error(Tls) when refused.
transport::HttpResponse requestTarget(EnroleeCredentials& credentials, const TargetRequest& request);

}  // namespace rspf::enrolee
