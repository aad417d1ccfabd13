#pragma once
// Structured fields for the log lines written while a ScopedLogFields lives on this thread: the
// JSON log format (observability/json_log_formatter.hpp) puts them under "fields"; the text format
// leaves them out (its messages already read well). Never put a secret in a field.
#include <nlohmann/json.hpp>

namespace rspf {

class ScopedLogFields {
 public:
  explicit ScopedLogFields(nlohmann::json fields);  // an object
  ~ScopedLogFields();
  ScopedLogFields(const ScopedLogFields&) = delete;
  ScopedLogFields& operator=(const ScopedLogFields&) = delete;

 private:
  const nlohmann::json* previous_;
  nlohmann::json fields_;
};

// The innermost fields of this thread, or null.
const nlohmann::json* currentLogFields();

}  // namespace rspf
