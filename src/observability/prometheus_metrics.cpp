#include "observability/prometheus_metrics.hpp"

#include <prometheus/text_serializer.h>

namespace rspf::observability {
namespace {

// Seconds: from a cached store read (~50 µs) to a slow fsync or an upstream wait (seconds).
const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

std::string statusClass(int status) {
  if (status < 100 || status > 599) return "other";
  return std::to_string(status / 100) + "xx";
}

}  // namespace

PrometheusMetrics::PrometheusMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      handshakes_(prometheus::BuildCounter()
                      .Name("rspf_handshakes_total")
                      .Help("TLS handshakes by bootstrap framework and outcome (accepted, refused)")
                      .Register(*registry_)),
      procedures_(prometheus::BuildCounter()
                      .Name("rspf_procedures_total")
                      .Help("MEF procedures (enrolment_exchange, certificate_enrolment, key_retrieval) by outcome")
                      .Register(*registry_)),
      requests_(prometheus::BuildCounter()
                    .Name("rspf_http_requests_total")
                    .Help("HTTP requests answered, by status class")
                    .Register(*registry_)),
      requestDuration_(prometheus::BuildHistogram()
                           .Name("rspf_http_request_duration_seconds")
                           .Help("Time from a complete request to its response")
                           .Register(*registry_)
                           .Add({}, kLatencyBuckets)),
      storeWrites_(prometheus::BuildHistogram()
                       .Name("rspf_store_write_duration_seconds")
                       .Help("Durable store writes on the procedures' paths, by operation")
                       .Register(*registry_)),
      renewals_(prometheus::BuildCounter()
                    .Name("rspf_credential_renewals_total")
                    .Help("Renewals of the role's own credential, by credential and outcome (renewed, failed)")
                    .Register(*registry_)),
      credentialExpiry_(prometheus::BuildGauge()
                            .Name("rspf_credential_expiry_timestamp_seconds")
                            .Help("When the role's own credential expires (Unix time)")
                            .Register(*registry_)) {}

void PrometheusMetrics::credentialRenewal(std::string_view credential, bool renewed, std::int64_t expiryUnixSeconds) {
  renewals_.Add({{"credential", std::string(credential)}, {"outcome", renewed ? "renewed" : "failed"}}).Increment();
  credentialExpiry(credential, expiryUnixSeconds);
}

void PrometheusMetrics::credentialExpiry(std::string_view credential, std::int64_t expiryUnixSeconds) {
  credentialExpiry_.Add({{"credential", std::string(credential)}}).Set(static_cast<double>(expiryUnixSeconds));
}

void PrometheusMetrics::handshake(const transport::HandshakeReport& report) {
  handshakes_.Add({{"framework", std::string(report.framework)}, {"outcome", report.accepted ? "accepted" : "refused"}})
      .Increment();
}

void PrometheusMetrics::request(int status, std::chrono::nanoseconds latency) {
  requests_.Add({{"status_class", statusClass(status)}}).Increment();
  requestDuration_.Observe(seconds(latency));
}

void PrometheusMetrics::outcome(procedures::Procedure procedure, std::string_view outcome) {
  procedures_.Add({{"procedure", std::string(procedures::procedureName(procedure))}, {"outcome", std::string(outcome)}})
      .Increment();
}

void PrometheusMetrics::storeWrite(std::string_view operation, std::chrono::nanoseconds latency) {
  storeWrites_.Add({{"operation", std::string(operation)}}, kLatencyBuckets).Observe(seconds(latency));
}

std::string PrometheusMetrics::render() const { return prometheus::TextSerializer().Serialize(registry_->Collect()); }

}  // namespace rspf::observability
