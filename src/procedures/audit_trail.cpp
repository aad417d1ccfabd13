#include "procedures/audit_trail.hpp"

#include <spdlog/spdlog.h>

#include "common/remote_address.hpp"

namespace rspf::procedures {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool printable(unsigned char c) { return c >= 0x20 && c <= 0x7e; }

void appendEscaped(std::string& out, unsigned char c) {
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 0x0f];
}

}  // namespace

std::string escapeAuditText(std::string_view raw, std::size_t maxBytes) {
  std::string out;
  const std::string_view kept = raw.substr(0, maxBytes);
  out.reserve(kept.size());
  for (char ch : kept) {
    const auto c = static_cast<unsigned char>(ch);
    if (printable(c) && c != '\\')
      out += ch;
    else
      appendEscaped(out, c);
  }
  if (raw.size() > kept.size()) out += "...(+" + std::to_string(raw.size() - kept.size()) + " bytes)";
  return out;
}

std::string printableAuditText(std::string_view stored) {
  std::string out;
  out.reserve(stored.size());
  for (char ch : stored) {
    const auto c = static_cast<unsigned char>(ch);
    if (printable(c))
      out += ch;
    else
      appendEscaped(out, c);
  }
  return out;
}

void AuditTrail::record(std::string actor, std::string action, std::string subject, std::string outcome,
                        std::string detail) {
  try {
    store_.appendAudit({0, now(), escapeAuditText(actor), escapeAuditText(action), escapeAuditText(subject),
                        escapeAuditText(outcome), escapeAuditText(detail, kMaxAuditDetailBytes)});
  } catch (const std::exception& e) {
    spdlog::error("audit entry not recorded: {}", e.what());
  }
}

std::string actorOf(const tls::AuthenticatedPeer& peer) { return peer.framework + ":" + peer.principal; }

HandshakeAudit::HandshakeAudit(AuditTrail& trail, transport::ServerObserver* next, AuditSettings settings)
    : trail_(trail), next_(next), settings_(std::move(settings)) {
  timer_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      if (wake_.wait_for(lock, settings_.refusedHandshakeInterval, [this] { return stopping_; })) break;
      lock.unlock();
      flushRefusals();
      lock.lock();
    }
  });
}

HandshakeAudit::~HandshakeAudit() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  timer_.join();
  flushRefusals();
}

void HandshakeAudit::handshake(const transport::HandshakeReport& report) {
  if (report.accepted) {
    trail_.record(std::string(report.framework) + ":" + std::string(report.principal), "bootstrap",
                  std::string(report.principal), "success", "from " + std::string(report.remote));
  } else {
    const auto t = now();
    std::string source = addressOf(report.remote);
    std::unique_lock lock(mutex_);
    auto it = refusals_.find(source);
    if (it == refusals_.end() && refusals_.size() < settings_.refusedHandshakeSources) {
      // A source's first refusal of the interval is recorded at once; the ones after it are counted.
      refusals_.emplace(source, Refusals{});
      lock.unlock();
      trail_.record("remote:" + source, "bootstrap", std::string(report.pskIdentity), "refused",
                    "count=1; " + std::string(report.reason));
    } else {
      Refusals& r = it != refusals_.end() ? it->second : otherSources_;
      if (r.count++ == 0) r.first = t;
      r.last = t;
      // Kept raw but bounded; AuditTrail::record escapes them.
      r.identity.assign(report.pskIdentity.substr(0, kMaxAuditFieldBytes + 1));
      r.reason.assign(report.reason.substr(0, kMaxAuditFieldBytes + 1));
    }
  }
  if (next_) next_->handshake(report);
}

void HandshakeAudit::request(int status, std::chrono::nanoseconds latency) {
  if (next_) next_->request(status, latency);
}

void HandshakeAudit::refused(std::string_view listener, std::string_view reason) {
  if (next_) next_->refused(listener, reason);
}

void HandshakeAudit::flushRefusals() {
  std::map<std::string, Refusals> sources;
  Refusals others;
  {
    std::lock_guard lock(mutex_);
    sources.swap(refusals_);
    std::swap(others, otherSources_);
  }
  for (const auto& [source, refusals] : sources)
    if (refusals.count > 0) record(source, refusals, false);
  if (others.count > 0) record("", others, true);
}

void HandshakeAudit::record(const std::string& source, const Refusals& r, bool otherSources) {
  std::string detail =
      "count=" + std::to_string(r.count) + " first=" + toRfc3339(r.first) + " last=" + toRfc3339(r.last) +
      (otherSources
           ? " from the sources past the " + std::to_string(settings_.refusedHandshakeSources) + " of this interval"
           : " after this address's first refusal of the interval") +
      "; last reason: " + r.reason;
  trail_.record(otherSources ? "remote:(other sources)" : "remote:" + source, "bootstrap", r.identity, "refused",
                std::move(detail));
}

}  // namespace rspf::procedures
