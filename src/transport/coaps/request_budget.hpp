#pragma once
// What one DTLS session may ask of a CoAPS server's handler: a token bucket of `burst` requests,
// refilled at `perSecond` (issue 11: "a CON flood from one peer (bounded work)"). Past it the server
// answers 5.03 Service Unavailable with Max-Age, the seconds until the next request is admitted
// (RFC 7252 5.9.3.4), and runs nothing. Not thread-safe: a session lives on its server's network thread.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace rspf::transport::coap {

class RequestBudget {
 public:
  using Clock = std::chrono::steady_clock;

  RequestBudget(double perSecond, double burst, Clock::time_point now = Clock::now())
      : perSecond_(perSecond), burst_(std::max(1.0, burst)), tokens_(burst_), refilled_(now) {}

  // True, and one request spent, when the session may be served now.
  bool admit(Clock::time_point now = Clock::now()) {
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  // Whole seconds until admit() would succeed (at least 1): the Max-Age of a refusal.
  std::uint32_t retryAfterSeconds(Clock::time_point now = Clock::now()) {
    refill(now);
    if (perSecond_ <= 0) return 60;
    return static_cast<std::uint32_t>(std::max(1.0, std::ceil((1.0 - tokens_) / perSecond_)));
  }

 private:
  void refill(Clock::time_point now) {
    if (now <= refilled_) return;
    std::chrono::duration<double> elapsed = now - refilled_;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * perSecond_);
    refilled_ = now;
  }

  double perSecond_;
  double burst_;
  double tokens_;
  Clock::time_point refilled_;
};

}  // namespace rspf::transport::coap
