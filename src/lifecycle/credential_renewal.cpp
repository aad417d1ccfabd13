#include "lifecycle/credential_renewal.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "common/error.hpp"

namespace rspf::lifecycle {

std::chrono::seconds RenewalMargin::of(TimePoint issuedAt, TimePoint expiry) const {
  if (before) return *before;
  auto lifetime =
      std::max(std::chrono::seconds(0), std::chrono::duration_cast<std::chrono::seconds>(expiry - issuedAt));
  return std::chrono::seconds(static_cast<std::int64_t>(static_cast<double>(lifetime.count()) * fractionOfLifetime));
}

RenewalMargin parseRenewalMargin(std::string_view text, std::string_view setting) {
  RenewalMargin margin;
  if (!text.empty() && text.back() == '%') {
    int percent = -1;
    auto digits = text.substr(0, text.size() - 1);
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), percent);
    if (r.ec != std::errc() || r.ptr != digits.data() + digits.size() || percent < 1 || percent > 90)
      throw Error(ErrorCode::Config, std::string(setting) + " takes a percentage of the lifetime from 1% to 90%");
    margin.fractionOfLifetime = percent / 100.0;
    return margin;
  }
  auto d = parseDuration(text);
  if (!d || d->count() <= 0)
    throw Error(ErrorCode::Config, std::string(setting) + " takes a duration such as 7d or a percentage such as 10%");
  margin.before = *d;
  return margin;
}

CredentialRenewal::CredentialRenewal(std::string what, Validity current, RenewalMargin margin, Renew renew,
                                     Outcome onOutcome, std::chrono::seconds maxBackoff)
    : what_(std::move(what)),
      margin_(margin),
      renew_(std::move(renew)),
      onOutcome_(std::move(onOutcome)),
      maxBackoff_(maxBackoff),
      current_(current) {}

CredentialRenewal::~CredentialRenewal() {
  stop();
  join();
}

void CredentialRenewal::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void CredentialRenewal::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

void CredentialRenewal::join() {
  if (thread_.joinable()) thread_.join();
}

bool CredentialRenewal::healthy() const {
  std::lock_guard lock(mutex_);
  return !failing_ && current_.expiry > now();
}

TimePoint CredentialRenewal::expiry() const {
  std::lock_guard lock(mutex_);
  return current_.expiry;
}

TimePoint CredentialRenewal::renewalDue() const {
  std::lock_guard lock(mutex_);
  return current_.expiry - margin_.of(current_.issuedAt, current_.expiry);
}

void CredentialRenewal::run() {
  std::chrono::seconds backoff{1};
  TimePoint retryAt{};
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto due = failing_ ? retryAt : current_.expiry - margin_.of(current_.issuedAt, current_.expiry);
    if (wake_.wait_until(lock, Clock::now() + (due - now()), [this] { return stopping_; })) return;
    if (now() < due) continue;
    lock.unlock();
    std::optional<Validity> renewed;
    std::string failure;
    try {
      renewed = renew_();
    } catch (const std::exception& e) {
      failure = e.what();
    }
    lock.lock();
    if (renewed) {
      current_ = *renewed;
      failing_ = false;
      backoff = std::chrono::seconds(1);
      spdlog::info("{} renewed: valid until {} (next renewal at {})", what_, toRfc3339(current_.expiry),
                   toRfc3339(current_.expiry - margin_.of(current_.issuedAt, current_.expiry)));
    } else {
      failing_ = true;
      retryAt = now() + backoff;
      spdlog::warn("{} renewal failed (retry in {} s; the current one expires {}): {}", what_, backoff.count(),
                   toRfc3339(current_.expiry), failure);
      backoff = std::min(backoff * 2, maxBackoff_);
    }
    auto expiry = current_.expiry;
    if (onOutcome_) {
      lock.unlock();
      onOutcome_(renewed.has_value(), expiry);
      lock.lock();
    }
  }
}

}  // namespace rspf::lifecycle
