#pragma once
// `--log-format json`: one JSON object per line,
//   {"time":"2026-11-28T04:05:06.789Z","level":"info","logger":"rspf","message":"…","thread":123,"fields":{…}}
// "fields" holds the ScopedLogFields of the logging thread (common/log_fields.hpp), {} when none.
#include <spdlog/formatter.h>

#include <memory>
#include <string_view>

namespace rspf::observability {

class JsonLogFormatter final : public spdlog::formatter {
 public:
  JsonLogFormatter();  // asks for the fields (setLogFieldsWanted): this format reads them
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

enum class LogFormat { Text, Json };
LogFormat parseLogFormat(std::string_view text);  // "text" | "json"; throws Error(Config)

}  // namespace rspf::observability
