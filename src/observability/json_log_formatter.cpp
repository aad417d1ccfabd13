#include "observability/json_log_formatter.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

#include "common/error.hpp"
#include "common/log_fields.hpp"

namespace rspf::observability {
namespace {

std::string utcMilliseconds(spdlog::log_clock::time_point t) {
  auto since = t.time_since_epoch();
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since - secs).count();
  std::time_t tt = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(millis));
  return buf;
}

}  // namespace

JsonLogFormatter::JsonLogFormatter() { setLogFieldsWanted(true); }

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const auto* fields = currentLogFields();
  auto level = spdlog::level::to_string_view(msg.level);
  nlohmann::json line = {{"time", utcMilliseconds(msg.time)},
                         {"level", std::string(level.data(), level.size())},
                         {"logger", std::string(msg.logger_name.data(), msg.logger_name.size())},
                         {"message", std::string(msg.payload.data(), msg.payload.size())},
                         {"thread", msg.thread_id},
                         {"fields", fields && fields->is_object() ? *fields : nlohmann::json::object()}};
  // Invalid UTF-8 (say, a peer's malformed request target) is replaced, never a reason to lose the line.
  auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  dest.append(text.data(), text.data() + text.size());
  dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const { return std::make_unique<JsonLogFormatter>(); }

LogFormat parseLogFormat(std::string_view text) {
  if (text == "text") return LogFormat::Text;
  if (text == "json") return LogFormat::Json;
  throw Error(ErrorCode::Config, "--log-format takes text or json");
}

}  // namespace rspf::observability
