#pragma once
// Admission of connections to one listener under its ListenerLimits: a cap on the listener, on one
// source address, and on one source's connections that have not authenticated yet. Thread-safe.
// Refusals are logged at a bounded rate (one line per reason per second, with a count).
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "transport/listener_limits.hpp"

namespace rspf::transport {

class ServerObserver;

enum class Refusal {
  ListenerFull,       // maxConnections
  SourceFull,         // maxConnectionsPerSource
  SourceHandshaking,  // maxHandshakesPerSource
  QueueFull,          // maxQueuedRequests (a request answered 503)
  AcceptFailed,       // accept() failed (EMFILE, ENFILE, ENOBUFS): the listener backs off
  HandlerFailed,      // an exception left a handler or a network operation: 500 or a close
};
// The metric label and log word: "listener_full", "source_full", ...
std::string_view refusalName(Refusal refusal);

// One line per reason per interval: "<listener>: refused 37 connections (listener_full) in the last 1.0 s; ...".
class RefusalLog {
 public:
  explicit RefusalLog(std::string listener, std::chrono::milliseconds interval = std::chrono::seconds(1));
  // Counts one refusal; logs it, or the count since the last line, at most once per interval.
  // `detail` (a remote address, an error message) must hold no secret; it is made safe to print.
  void note(Refusal refusal, std::string_view detail);

 private:
  struct Pending {
    std::chrono::steady_clock::time_point lastLine{};
    std::size_t unlogged = 0;
  };
  std::string listener_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::map<Refusal, Pending> pending_;
};

class ConnectionGate {
 public:
  // `observer` (may be null) counts refusals; `listener` names this listener in logs and metrics.
  ConnectionGate(std::string listener, const ListenerLimits& limits, ServerObserver* observer);

  // A connection's place on the listener, released when destroyed.
  class Ticket {
   public:
    Ticket() = default;
    ~Ticket();
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    explicit operator bool() const { return gate_ != nullptr; }
    // The connection authenticated (handshake done): it no longer counts as handshaking.
    void authenticated();

   private:
    friend class ConnectionGate;
    Ticket(ConnectionGate* gate, std::string source) : gate_(gate), source_(std::move(source)) {}
    void release();
    ConnectionGate* gate_ = nullptr;
    std::string source_;
    bool handshaking_ = true;
  };

  // A ticket, or an empty one after recording (log, metric) why `source` was refused.
  Ticket admit(const std::string& source);
  // Records a refusal that happened elsewhere (a full queue, an accept error, a failed handler).
  void refuse(Refusal refusal, std::string_view detail);

  std::size_t open() const;
  const ListenerLimits& limits() const { return limits_; }
  const std::string& listener() const { return listener_; }

 private:
  struct Source {
    std::size_t open = 0;
    std::size_t handshaking = 0;
  };
  std::string listener_;
  ListenerLimits limits_;
  ServerObserver* observer_;
  RefusalLog log_;
  mutable std::mutex mutex_;
  std::size_t open_ = 0;
  std::map<std::string, Source, std::less<>> sources_;
};

}  // namespace rspf::transport
