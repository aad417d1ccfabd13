#include "common/log_fields.hpp"

namespace rspf {
namespace {
thread_local const nlohmann::json* current = nullptr;
}

ScopedLogFields::ScopedLogFields(nlohmann::json fields) : previous_(current), fields_(std::move(fields)) {
  current = &fields_;
}

ScopedLogFields::~ScopedLogFields() { current = previous_; }

const nlohmann::json* currentLogFields() { return current; }

}  // namespace rspf
