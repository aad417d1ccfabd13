#include "observability/prometheus_metrics.hpp"

#include <prometheus/text_serializer.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace rspf::observability {
namespace {

// Seconds: from a cached store read (~50 µs) to a slow fsync or an upstream wait (seconds).
const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// Process metrics the way Prometheus client libraries name them, from /proc/self.
struct ProcessSample {
  double startTime = 0, cpuSeconds = 0, residentBytes = 0, openFds = 0;
};

ProcessSample sampleProcess() {
  ProcessSample s;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  // Fields after the command name (which may hold spaces) start at field 3.
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::vector<std::string> f((std::istream_iterator<std::string>(fields)), {});
  if (f.size() > 21 && ticks > 0) {
    s.cpuSeconds = (std::stod(f[11]) + std::stod(f[12])) / ticks;  // utime + stime
    std::ifstream uptime("/proc/uptime");
    double up = 0;
    uptime >> up;
    const double bootTime = static_cast<double>(std::time(nullptr)) - up;
    s.startTime = bootTime + std::stod(f[19]) / ticks;                                  // starttime
    s.residentBytes = std::stod(f[21]) * static_cast<double>(::sysconf(_SC_PAGESIZE));  // rss pages
  }
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::end(it);
       it.increment(ec))
    ++s.openFds;
  return s;
}

std::string statusClass(int status) {
  if (status < 100 || status > 599) return "other";
  return std::to_string(status / 100) + "xx";
}

}  // namespace

PrometheusMetrics::PrometheusMetrics(const std::vector<std::string>& frameworks)
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
      refusals_(prometheus::BuildCounter()
                    .Name("rspf_connections_refused_total")
                    .Help("Connections or requests refused under a listener's limits, by listener and reason")
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
      keyRetrievals_(prometheus::BuildCounter()
                         .Name("rspf_key_retrieval_requests_total")
                         .Help("MEF Key Retrievals this target or MAF made, by outcome")
                         .Register(*registry_)),
      keyRetrievalDuration_(prometheus::BuildHistogram()
                                .Name("rspf_key_retrieval_duration_seconds")
                                .Help("Time of a MEF Key Retrieval, from this target or MAF")
                                .Register(*registry_)
                                .Add({}, kLatencyBuckets)),
      adminApiRequests_(prometheus::BuildCounter()
                            .Name("rspf_admin_api_requests_total")
                            .Help("Admin API requests answered, by status class")
                            .Register(*registry_)),
      startTime_(prometheus::BuildGauge()
                     .Name("process_start_time_seconds")
                     .Help("Start time of the process since the Unix epoch in seconds")
                     .Register(*registry_)
                     .Add({})),
      cpuSeconds_(prometheus::BuildGauge()
                      .Name("process_cpu_seconds_total")
                      .Help("Total user and system CPU time spent in seconds")
                      .Register(*registry_)
                      .Add({})),
      residentBytes_(prometheus::BuildGauge()
                         .Name("process_resident_memory_bytes")
                         .Help("Resident memory size in bytes")
                         .Register(*registry_)
                         .Add({})),
      openFds_(prometheus::BuildGauge()
                   .Name("process_open_fds")
                   .Help("Number of open file descriptors")
                   .Register(*registry_)
                   .Add({})),
      renewals_(prometheus::BuildCounter()
                    .Name("rspf_credential_renewals_total")
                    .Help("Renewals of the role's own credential, by credential and outcome (renewed, failed)")
                    .Register(*registry_)),
      credentialExpiry_(prometheus::BuildGauge()
                            .Name("rspf_credential_expiry_timestamp_seconds")
                            .Help("When the role's own credential expires (Unix time)")
                            .Register(*registry_)) {
  prometheus::BuildGauge()
      .Name("rspf_build_info")
      .Help("The rspf build; the value is always 1")
      .Register(*registry_)
      .Add({{"version", RSPF_VERSION_STRING}})
      .Set(1);
  // Every series whose labels are known up front exists from the first scrape, at zero.
  for (const auto& framework : frameworks)
    for (const char* outcome : {"accepted", "refused"})
      handshakes_.Add({{"framework", framework}, {"outcome", outcome}});
  for (auto procedure : {procedures::Procedure::EnrolmentExchange, procedures::Procedure::CertificateEnrolment,
                         procedures::Procedure::KeyRetrieval})
    for (const char* outcome :
         {"success", "pending", "bad_request", "forbidden", "not_found", "conflict", "unavailable", "error"})
      procedures_.Add({{"procedure", std::string(procedures::procedureName(procedure))}, {"outcome", outcome}});
  for (const char* statusClassName : {"2xx", "4xx", "5xx"}) {
    requests_.Add({{"status_class", statusClassName}});
    adminApiRequests_.Add({{"status_class", statusClassName}});
  }
  for (const char* outcome : {"success", "not_found", "forbidden", "unavailable", "error"})
    keyRetrievals_.Add({{"outcome", outcome}});
  storeWrites_.Add({{"operation", "commit_enrolment"}}, kLatencyBuckets);
  adminApi_.metrics = this;
}

void PrometheusMetrics::keyRetrieval(std::string_view outcome, std::chrono::nanoseconds latency) {
  keyRetrievals_.Add({{"outcome", std::string(outcome)}}).Increment();
  keyRetrievalDuration_.Observe(seconds(latency));
}

void PrometheusMetrics::AdminApiObserver::request(int status, std::chrono::nanoseconds) {
  metrics->adminApiRequests_.Add({{"status_class", statusClass(status)}}).Increment();
}

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

void PrometheusMetrics::refused(std::string_view listener, std::string_view reason) {
  refusals_.Add({{"listener", std::string(listener)}, {"reason", std::string(reason)}}).Increment();
}

void PrometheusMetrics::outcome(procedures::Procedure procedure, std::string_view outcome) {
  procedures_.Add({{"procedure", std::string(procedures::procedureName(procedure))}, {"outcome", std::string(outcome)}})
      .Increment();
}

void PrometheusMetrics::storeWrite(std::string_view operation, std::chrono::nanoseconds latency) {
  storeWrites_.Add({{"operation", std::string(operation)}}, kLatencyBuckets).Observe(seconds(latency));
}

std::string PrometheusMetrics::render() const {
  auto process = sampleProcess();
  startTime_.Set(process.startTime);
  cpuSeconds_.Set(process.cpuSeconds);
  residentBytes_.Set(process.residentBytes);
  openFds_.Set(process.openFds);
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace rspf::observability
