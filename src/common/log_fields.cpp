#include "common/log_fields.hpp"

#include <atomic>

namespace rspf {
namespace {
thread_local const nlohmann::json* current = nullptr;
std::atomic<bool> wanted{false};
}  // namespace

void setLogFieldsWanted(bool on) { wanted.store(on, std::memory_order_relaxed); }
bool logFieldsWanted() { return wanted.load(std::memory_order_relaxed); }

void ScopedLogFields::adopt(nlohmann::json fields) {
  fields_ = std::move(fields);
  previous_ = current;
  current = &fields_;
}

ScopedLogFields::~ScopedLogFields() {
  if (current == &fields_) current = previous_;  // adopted (scopes end innermost first)
}

const nlohmann::json* currentLogFields() { return current; }

}  // namespace rspf
