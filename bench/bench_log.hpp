#pragma once
// The servers a benchmark runs in its process log into one file of its temporary directory, as a
// deployment would (the info level costs what it costs in production), with the project's pattern.
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "observability/text_log_pattern.hpp"

namespace rspf::bench {

inline void logToFile(const std::filesystem::path& file, spdlog::level::level_enum level = spdlog::level::info) {
  spdlog::set_default_logger(spdlog::basic_logger_mt("rspf-bench", file.string(), true));
  spdlog::set_pattern(observability::textLogPattern(), spdlog::pattern_time_type::utc);  // the roles' own
  spdlog::set_level(level);
}

}  // namespace rspf::bench
