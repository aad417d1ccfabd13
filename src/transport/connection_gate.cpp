#include "transport/connection_gate.hpp"

#include <spdlog/spdlog.h>

#include <utility>

#include "common/safe_text.hpp"
#include "transport/server_observer.hpp"

namespace rspf::transport {

std::string_view refusalName(Refusal refusal) {
  switch (refusal) {
    case Refusal::ListenerFull: return "listener_full";
    case Refusal::SourceFull: return "source_full";
    case Refusal::SourceHandshaking: return "source_handshaking";
    case Refusal::QueueFull: return "queue_full";
    case Refusal::AcceptFailed: return "accept_failed";
    case Refusal::HandlerFailed: return "handler_failed";
  }
  return "other";
}

RefusalLog::RefusalLog(std::string listener, std::chrono::milliseconds interval)
    : listener_(std::move(listener)), interval_(interval) {}

void RefusalLog::note(Refusal refusal, std::string_view detail) {
  auto now = std::chrono::steady_clock::now();
  std::size_t count = 0;
  std::chrono::duration<double> since{};
  {
    std::lock_guard lock(mutex_);
    auto& p = pending_[refusal];
    ++p.unlogged;
    if (p.lastLine != std::chrono::steady_clock::time_point{} && now - p.lastLine < interval_) return;
    count = p.unlogged;
    since = p.lastLine == std::chrono::steady_clock::time_point{} ? std::chrono::duration<double>{} : now - p.lastLine;
    p.unlogged = 0;
    p.lastLine = now;
  }
  auto what = refusal == Refusal::AcceptFailed    ? "accept errors"
              : refusal == Refusal::HandlerFailed ? "failures"
                                                  : "refusals";
  if (since.count() == 0)
    spdlog::warn("{}: {} ({}): {}", listener_, refusalName(refusal), what, safeErrorText(detail, 300));
  else
    spdlog::warn("{}: {} {} ({}) in the last {:.1f} s; latest: {}", listener_, count, what, refusalName(refusal),
                 since.count(), safeErrorText(detail, 300));
}

ConnectionGate::ConnectionGate(std::string listener, const ListenerLimits& limits, ServerObserver* observer)
    : listener_(std::move(listener)), limits_(limits), observer_(observer), log_(listener_) {}

ConnectionGate::Ticket ConnectionGate::admit(const std::string& source) {
  std::optional<Refusal> refusal;
  {
    std::lock_guard lock(mutex_);
    auto& s = sources_[source];
    if (open_ >= limits_.maxConnections)
      refusal = Refusal::ListenerFull;
    else if (s.open >= limits_.maxConnectionsPerSource)
      refusal = Refusal::SourceFull;
    else if (s.handshaking >= limits_.maxHandshakesPerSource)
      refusal = Refusal::SourceHandshaking;
    if (!refusal) {
      ++open_;
      ++s.open;
      ++s.handshaking;
    } else if (s.open == 0) {
      sources_.erase(source);
    }
  }
  if (refusal) {
    refuse(*refusal, source);
    return {};
  }
  return Ticket(this, source);
}

void ConnectionGate::refuse(Refusal refusal, std::string_view detail) {
  log_.note(refusal, detail);
  if (observer_) {
    try {
      observer_->refused(listener_, refusalName(refusal));
    } catch (const std::exception& e) {
      spdlog::warn("{}: the refusal metric failed: {}", listener_, e.what());
    }
  }
}

std::size_t ConnectionGate::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

ConnectionGate::Ticket::~Ticket() { release(); }

ConnectionGate::Ticket::Ticket(Ticket&& other) noexcept
    : gate_(std::exchange(other.gate_, nullptr)), source_(std::move(other.source_)), handshaking_(other.handshaking_) {}

ConnectionGate::Ticket& ConnectionGate::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    release();
    gate_ = std::exchange(other.gate_, nullptr);
    source_ = std::move(other.source_);
    handshaking_ = other.handshaking_;
  }
  return *this;
}

void ConnectionGate::Ticket::authenticated() {
  if (!gate_ || !handshaking_) return;
  std::lock_guard lock(gate_->mutex_);
  handshaking_ = false;
  auto found = gate_->sources_.find(source_);
  if (found != gate_->sources_.end() && found->second.handshaking > 0) --found->second.handshaking;
}

void ConnectionGate::Ticket::release() {
  if (!gate_) return;
  std::lock_guard lock(gate_->mutex_);
  --gate_->open_;
  auto found = gate_->sources_.find(source_);
  if (found != gate_->sources_.end()) {
    if (handshaking_ && found->second.handshaking > 0) --found->second.handshaking;
    if (--found->second.open == 0) gate_->sources_.erase(found);
  }
  gate_ = nullptr;
}

}  // namespace rspf::transport
