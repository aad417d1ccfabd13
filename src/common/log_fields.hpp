#pragma once
// Structured fields for the log lines written while a ScopedLogFields lives on this thread: the
// JSON log format (observability/json_log_formatter.hpp) puts them under "fields"; the text format
// leaves them out (its messages already read well), so with it the fields are not even built (one
// request's fields cost more than its log line). Never put a secret in a field.
#include <nlohmann/json.hpp>
#include <type_traits>

namespace rspf {

// Whether log lines carry fields: set by the log format that reads them (off by default).
void setLogFieldsWanted(bool wanted);
bool logFieldsWanted();

class ScopedLogFields {
 public:
  // `build()` returns the fields (an object); it is called only when log lines carry fields.
  template <typename Build, typename = std::enable_if_t<std::is_invocable_r_v<nlohmann::json, Build&>>>
  explicit ScopedLogFields(Build&& build) {
    if (logFieldsWanted()) adopt(build());
  }
  ~ScopedLogFields();
  ScopedLogFields(const ScopedLogFields&) = delete;
  ScopedLogFields& operator=(const ScopedLogFields&) = delete;

 private:
  void adopt(nlohmann::json fields);

  const nlohmann::json* previous_ = nullptr;
  nlohmann::json fields_;
};

// The innermost fields of this thread, or null.
const nlohmann::json* currentLogFields();

}  // namespace rspf
