#pragma once
// `--log-format text`: the spdlog pattern of every role's log line,
//   2026-11-28T04:05:06.789Z info [4242] message
// The process id is written into the pattern once: spdlog's %P flag asks the kernel for it on every
// line (a getpid system call per line, two per MEF Key Retrieval; see docs/performance.md).
#include <string>

namespace rspf::observability {

// The pattern for this process, to be set after any fork (rspf's roles never fork).
std::string textLogPattern();

}  // namespace rspf::observability
