#pragma once
// One phase of a benchmark as the reports print it: the load's result (LoadResult),
// the server's CPU meanwhile (the process's CPU minus the client threads'; the kernel's loopback work
// is charged to whichever side sent, so the split is approximate), and its row in the phase table.
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

#include "load_client.hpp"

namespace rspf::bench {

template <typename Result>
struct MeasuredPhase {
  std::string name;
  Result load;
  double serverCpuSeconds = 0;
};

// Runs `run` (the load; returns its result) and measures the server's CPU around it.
template <typename Run>
auto measurePhase(std::string name, Run&& run) {
  MeasuredPhase<decltype(run())> p;
  p.name = std::move(name);
  const double cpuStart = processCpuSeconds();
  p.load = std::forward<Run>(run)();
  p.serverCpuSeconds = processCpuSeconds() - cpuStart - p.load.clientCpuSeconds;
  return p;
}

// CPU per operation in microseconds (0 when none).
inline double perOperationUs(double seconds, std::uint64_t operations) {
  return operations == 0 ? 0 : seconds * 1e6 / static_cast<double>(operations);
}

// The phase table: a header naming the rate's unit, then one row per phase (name, rate, ok, failed,
// p50 and p99 ms, client and server CPU us per operation, `extra`), its first failure below it.
inline void printPhaseHeader(const char* rateUnit, const char* extraColumns) {
  std::printf("\n%-36s %10s %8s %6s %7s %7s %9s %9s  %s\n", "phase", rateUnit, "ok", "failed", "p50 ms", "p99 ms",
              "client us", "server us", extraColumns);
}
template <typename Result>
void printPhaseRow(const MeasuredPhase<Result>& p, const std::string& extra) {
  const auto& l = p.load;
  const std::uint64_t attempts = l.successes + l.failures;
  std::printf("%-36s %10.1f %8llu %6llu %7.3f %7.3f %9.1f %9.1f  %s\n", p.name.c_str(), l.rate(),
              static_cast<unsigned long long>(l.successes), static_cast<unsigned long long>(l.failures), l.latencyP50Ms,
              l.latencyP99Ms, perOperationUs(l.clientCpuSeconds, attempts),
              perOperationUs(p.serverCpuSeconds, attempts), extra.c_str());
  if (!l.firstFailure.empty()) std::printf("%-36s first failure: %s\n", "", l.firstFailure.c_str());
}

}  // namespace rspf::bench
