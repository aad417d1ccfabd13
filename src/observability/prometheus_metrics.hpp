#pragma once
// The roles' metrics in a prometheus-cpp registry, fed through the observer interfaces of the HTTPS
// binding (handshakes, requests) and of the MEF's procedures (outcomes, store writes), and rendered
// in the Prometheus text exposition format (version 0.0.4) for /metrics.
//
//   rspf_handshakes_total{framework, outcome}          outcome: accepted | refused
//   rspf_procedures_total{procedure, outcome}          enrolment_exchange | certificate_enrolment | key_retrieval
//   rspf_http_requests_total{status_class}             2xx, 4xx, 5xx, ...
//   rspf_http_request_duration_seconds                 histogram
//   rspf_store_write_duration_seconds{operation}       histogram
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "procedures/procedure_observer.hpp"
#include "transport/server_observer.hpp"

namespace rspf::observability {

class PrometheusMetrics final : public transport::ServerObserver, public procedures::ProcedureObserver {
 public:
  PrometheusMetrics();

  void handshake(const transport::HandshakeReport& report) override;
  void request(int status, std::chrono::nanoseconds latency) override;
  void outcome(procedures::Procedure procedure, std::string_view outcome) override;
  void storeWrite(std::string_view operation, std::chrono::nanoseconds latency) override;

  std::string render() const;  // text exposition format

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& handshakes_;
  prometheus::Family<prometheus::Counter>& procedures_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Histogram& requestDuration_;
  prometheus::Family<prometheus::Histogram>& storeWrites_;
};

// The Content-Type of render()'s output.
inline constexpr const char* kPrometheusTextType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace rspf::observability
