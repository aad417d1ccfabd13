#pragma once
#include <string>

namespace rspf {

// Drains the thread's OpenSSL error queue into one line ("" when empty).
std::string drainOpenSslErrors();

}  // namespace rspf
