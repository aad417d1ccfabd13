#include "observability/text_log_pattern.hpp"

#include <unistd.h>

namespace rspf::observability {

std::string textLogPattern() { return "%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ [" + std::to_string(::getpid()) + "] %v"; }

}  // namespace rspf::observability
