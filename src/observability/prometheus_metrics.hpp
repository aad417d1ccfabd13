#pragma once
// The roles' metrics in a prometheus-cpp registry, fed through the observer interfaces of the HTTPS
// binding (handshakes, requests) and of the MEF's procedures (outcomes, store writes), and rendered
// in the Prometheus text exposition format (version 0.0.4) for /metrics.
//
//   rspf_handshakes_total{framework, outcome}          outcome: accepted | refused
//   rspf_procedures_total{procedure, outcome}          enrolment_exchange | certificate_enrolment | key_retrieval
//   rspf_http_requests_total{status_class}             2xx, 4xx, 5xx, ...
//   rspf_http_request_duration_seconds                 histogram
//   rspf_connections_refused_total{listener, reason}   listener limits (transport::refusalName)
//   rspf_store_write_duration_seconds{operation}       histogram
//   rspf_admin_api_requests_total{status_class}        the admin API's listener
//   rspf_key_retrieval_requests_total{outcome}         a target's or MAF's fetches from the MEF
//   rspf_key_retrieval_duration_seconds                histogram of those
//   rspf_build_info{version}                           1
//   process_start_time_seconds, process_cpu_seconds_total, process_resident_memory_bytes,
//   process_open_fds                                   read from /proc at each scrape
// Labelled series whose label values are known are created at zero, so rate() works from the start.
//   rspf_credential_renewals_total{credential, outcome}  a role's own credential renewed: renewed | failed
//   rspf_credential_expiry_timestamp_seconds{credential}  gauge: when that credential expires (Unix time)
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <vector>

#include "procedures/procedure_observer.hpp"
#include "transport/server_observer.hpp"

namespace rspf::observability {

class PrometheusMetrics final : public transport::ServerObserver, public procedures::ProcedureObserver {
 public:
  // `frameworks`: the bootstrap frameworks whose handshake series start at zero ("none" is refused).
  explicit PrometheusMetrics(const std::vector<std::string>& frameworks = {"psk", "reauth", "certificate", "gba",
                                                                           "none"});

  void handshake(const transport::HandshakeReport& report) override;
  void request(int status, std::chrono::nanoseconds latency) override;
  void refused(std::string_view listener, std::string_view reason) override;
  void outcome(procedures::Procedure procedure, std::string_view outcome) override;
  void storeWrite(std::string_view operation, std::chrono::nanoseconds latency) override;

  // The target's and MAF's MEF Key Retrieval (target::MefKeyFetcher::observeWith).
  void keyRetrieval(std::string_view outcome, std::chrono::nanoseconds latency);
  // The admin API listener's requests.
  transport::ServerObserver& adminApiObserver() { return adminApi_; }
  // A role's own credential (issue 10 item 1): "enrolment", "certificate".
  void credentialRenewal(std::string_view credential, bool renewed, std::int64_t expiryUnixSeconds);
  void credentialExpiry(std::string_view credential, std::int64_t expiryUnixSeconds);

  std::string render() const;  // text exposition format

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& handshakes_;
  prometheus::Family<prometheus::Counter>& procedures_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Counter>& refusals_;
  prometheus::Histogram& requestDuration_;
  prometheus::Family<prometheus::Histogram>& storeWrites_;
  prometheus::Family<prometheus::Counter>& keyRetrievals_;
  prometheus::Histogram& keyRetrievalDuration_;
  prometheus::Family<prometheus::Counter>& adminApiRequests_;
  prometheus::Gauge& startTime_;
  prometheus::Gauge& cpuSeconds_;  // a counter in meaning; set from /proc at each scrape
  prometheus::Gauge& residentBytes_;
  prometheus::Gauge& openFds_;

  // The admin API listener: its requests counted apart, its refusals with the role's.
  struct AdminApiObserver final : transport::ServerObserver {
    PrometheusMetrics* metrics = nullptr;
    void handshake(const transport::HandshakeReport&) override {}
    void request(int status, std::chrono::nanoseconds) override;
    void refused(std::string_view listener, std::string_view reason) override { metrics->refused(listener, reason); }
  } adminApi_;
  prometheus::Family<prometheus::Counter>& renewals_;
  prometheus::Family<prometheus::Gauge>& credentialExpiry_;
};

// The Content-Type of render()'s output.
inline constexpr const char* kPrometheusTextType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace rspf::observability
