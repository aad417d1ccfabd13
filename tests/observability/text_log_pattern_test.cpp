#include "observability/text_log_pattern.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <sstream>

namespace rspf::observability {
namespace {

TEST(TextLogPattern, WritesTheProcessIdOnceInsteadOfAskingPerLine) {
  const auto pattern = textLogPattern();
  EXPECT_EQ(pattern.find("%P"), std::string::npos) << pattern;
  EXPECT_NE(pattern.find("[" + std::to_string(::getpid()) + "]"), std::string::npos) << pattern;
}

TEST(TextLogPattern, ALineCarriesTimeLevelProcessIdAndMessage) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
  spdlog::logger logger("pattern-test", sink);
  logger.set_pattern(textLogPattern(), spdlog::pattern_time_type::utc);
  logger.info("hello {}", 42);
  const auto line = out.str();
  ASSERT_GT(line.size(), 10u) << line;
  EXPECT_NE(line.find(" info [" + std::to_string(::getpid()) + "] hello 42"), std::string::npos) << line;
  EXPECT_EQ(line[4], '-');
  EXPECT_EQ(line[10], 'T');
  EXPECT_NE(line.find("Z info"), std::string::npos) << line;
}

}  // namespace
}  // namespace rspf::observability
